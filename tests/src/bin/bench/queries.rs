//! The GraphQL documents the scenarios send, named so that a server log
//! line says which scenario it belongs to.

/// (a), (a'): the first page of pledges with what a pledge list shows.
pub(crate) const PLEDGE_LIST: &str = "query BenchPledgeList { pledges(first: 20) { \
    totalCount pageInfo { hasNextPage endCursor } \
    nodes { id year title status validFrom validTo \
      municipality { code name county { code name } policeArea { code name } } \
      policeArea { code name } \
      focusAreas { focusArea { code nameSv } problemText } \
      commitments { position text responsible method targetGroups focusAreas { code } \
        latestProgress { status progressPercent } } } } }";

/// (b): one pledge with everything below it.
pub(crate) const PLEDGE_DEEP: &str = "query BenchPledgeDeep($id: ID!) { node(id: $id) { id \
    ... on Pledge { year title status validFrom validTo signedOn version \
      municipality { code name } policeArea { code name } \
      focusAreas { focusArea { code nameSv } problemText } \
      commitments { id position text responsible method targetGroups partners \
        targetQuantity targetUnit focusAreas { code } \
        activities { id kind date description place { name } participants } \
        latestProgress { status progressPercent } \
        progressHistory { status progressPercent actualQuantity countedActivities comment \
          report { id periodKind } } } \
      followUps { id periodKind periodStart periodEnd status \
        progress { commitment { id } status progressPercent actualQuantity \
          countedActivities comment } } } } }";

/// (c): the reference list of municipalities.
pub(crate) const MUNICIPALITIES: &str =
    "query BenchMunicipalities { municipalities { code name } }";

/// (c'), (c''): every municipality compared, as the dashboard asks.
pub(crate) const COMPARISON: &str = "query BenchRegionalComparison($year: Int!) { \
    regionalComparison(year: $year) { year \
      municipalities { municipality { code name } pledge { id title } pledgeStatus \
        figures { ...figures } previous { completionRate commitments } } \
      totals { ...figures } previousTotals { ...figures } } } \
    fragment figures on ComparisonFigures { pledges commitments \
      commitmentsByResponsible { key count } commitmentsByMethod { key count } \
      focusAreas { key count } progressByStatus { key count } completionRate \
      activities activitiesByKind { key count } }";

/// (d): one sync page, as an integration polls it.
pub(crate) const FOLLOW_UP_SYNC: &str = "query BenchFollowUpSync { followUps(first: 100) { \
    pageInfo { hasNextPage endCursor } \
    nodes { id periodKind periodStart periodEnd status updatedAt \
      progress { commitment { id } status progressPercent actualQuantity comment } } } }";

/// (e): the write of the mix; asks for the id only, so its answer has one
/// shape the wrk script can check.
pub(crate) const RECORD_ACTIVITY: &str = "mutation BenchRecordActivity($input: ActivityInput!) { \
    recordActivity(input: $input) { id } }";
