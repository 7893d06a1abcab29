// Apollo Client's own persisted-queries link against a running server:
// the first query goes as a hash alone, is answered PersistedQueryNotFound
// and is sent again with its document; a second client then gets the
// answer from the hash alone, by GET. Fails unless the link's requests
// and the answers are exactly that.
//
//   node apq.mjs http://127.0.0.1:8080/graphql
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';
import { createHash } from 'node:crypto';

const url = process.argv[2];
if (!url) {
  console.error('usage: node apq.mjs <graphql url>');
  process.exit(2);
}

const sent = [];
const recordingFetch = (input, init = {}) => {
  sent.push({ method: init.method ?? 'GET', url: String(input), body: init.body ?? '' });
  return fetch(input, init);
};

function client(useGETForHashedQueries) {
  const persisted = createPersistedQueryLink({
    sha256: (document) => createHash('sha256').update(document).digest('hex'),
    useGETForHashedQueries,
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri: url, fetch: recordingFetch })),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'no-cache' } },
  });
}

let failed = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed += 1;
}

const QUERY = gql`
  query ApqFocusAreas {
    focusAreas {
      code
    }
  }
`;

const first = await client(false).query({ query: QUERY });
const codes = first.data.focusAreas.map((a) => a.code);
check(codes.length > 0, `the first client gets the focus areas (${codes.length})`);
check(sent.length === 2, `it sent two requests (${sent.length})`);
const [hashOnly, withDocument] = sent.map((r) => JSON.parse(r.body || '{}'));
check(
  hashOnly && !hashOnly.query && hashOnly.extensions?.persistedQuery?.sha256Hash,
  'the first request carried the hash alone',
);
check(
  withDocument && withDocument.query && withDocument.extensions?.persistedQuery?.sha256Hash,
  'after PersistedQueryNotFound it sent the document with the hash',
);

sent.length = 0;
const second = await client(true).query({ query: QUERY });
check(
  JSON.stringify(second.data.focusAreas.map((a) => a.code)) === JSON.stringify(codes),
  'a second client gets the same answer',
);
check(
  sent.length === 1 && sent[0].method === 'GET' && !new URL(sent[0].url).searchParams.has('query'),
  `by one GET with the hash alone (${sent.map((r) => `${r.method} ${r.url}`).join(', ')})`,
);

process.exit(failed === 0 ? 0 : 1);
