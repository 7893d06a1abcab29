//! Reading the data version for an anonymous answer that is to be cached,
//! at the last moment before resolvers run: after parsing, validation and
//! the query limits, so a refused query still costs no SQL, and before any
//! data is read, so the version labels an answer no older than itself (see
//! `http::response_cache`).

use std::sync::{Arc, OnceLock};

use async_graphql::Response;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};

use crate::store::Reader;
use crate::store::data_version::Versions;

/// Request data of an answer to cache: where the version read goes.
#[derive(Debug)]
pub struct VersionSlot {
    /// The anonymous request's reader, which reads the version.
    reader: Reader,
    versions: OnceLock<Versions>,
}

impl VersionSlot {
    /// A slot to fill, or filled already with `known`.
    pub fn new(reader: Reader, known: Option<Versions>) -> Self {
        let versions = OnceLock::new();
        if let Some(v) = known {
            let _ = versions.set(v);
        }
        Self { reader, versions }
    }

    /// The version read before the resolvers ran; `None` when the request
    /// never got that far, or the read failed (then nothing is cached).
    pub fn versions(&self) -> Option<Versions> {
        self.versions.get().copied()
    }
}

/// The extension that fills a request's `VersionSlot`, when it has one.
#[derive(Debug, Clone, Copy)]
pub(super) struct PublicVersion;

impl ExtensionFactory for PublicVersion {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for PublicVersion {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(slot) = ctx.data_opt::<Arc<VersionSlot>>()
            && slot.versions.get().is_none()
            && let Ok(versions) = slot.reader.data_versions().await
        {
            let _ = slot.versions.set(versions);
        }
        next.run(ctx, operation_name).await
    }
}
