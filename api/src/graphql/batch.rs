//! How nested data is loaded: by siblings. Rows that are resolved side by
//! side — one page of pledges, or every commitment of that page — form a
//! `Batch`, and each object of the response is an `Item` (its batch and its
//! position in it). When the first item of a batch resolves a relation,
//! the relation is loaded for every row of the batch with one statement,
//! kept in the batch's `OnceCell` for that relation, and every other item
//! takes its share from there. The children form a batch of their own, so
//! the next level costs one statement again, whatever the page size.
//!
//! This needs no list of what the client selected and no delay to gather
//! keys: a relation nobody selects is never loaded, one that is selected
//! is loaded once, and relations of different fields load concurrently
//! because async-graphql resolves sibling fields together. A batch lives
//! as long as the objects of one response; what a mutation returns is a
//! new batch read after its write, so nothing read before it can leak in.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::ApiResult;

/// Rows resolved side by side, and the relations loaded for all of them
/// (`L`: a struct of `OnceCell`s, one per relation; `()` for leaves).
#[derive(Debug, Default)]
pub(crate) struct Batch<T, L> {
    pub(crate) rows: Vec<T>,
    pub(crate) loaded: L,
}

/// One object of a response: a row of a batch.
#[derive(Debug)]
pub(crate) struct Item<T, L> {
    batch: Arc<Batch<T, L>>,
    at: usize,
}

impl<T, L> Clone for Item<T, L> {
    fn clone(&self) -> Self {
        Self {
            batch: self.batch.clone(),
            at: self.at,
        }
    }
}

impl<T, L: Default> Item<T, L> {
    /// One item per row, all in one new batch.
    pub(crate) fn all(rows: Vec<T>) -> Vec<Self> {
        let batch = Arc::new(Batch {
            rows,
            loaded: L::default(),
        });
        (0..batch.rows.len())
            .map(|at| Self {
                batch: batch.clone(),
                at,
            })
            .collect()
    }

    /// A batch of one.
    pub(crate) fn one(row: T) -> Self {
        Self {
            batch: Arc::new(Batch {
                rows: vec![row],
                loaded: L::default(),
            }),
            at: 0,
        }
    }
}

impl<T, L> Item<T, L> {
    pub(crate) fn row(&self) -> &T {
        &self.batch.rows[self.at]
    }

    /// Every row of this item's batch: what a relation is loaded for.
    pub(crate) fn siblings(&self) -> &[T] {
        &self.batch.rows
    }

    pub(crate) fn loaded(&self) -> &L {
        &self.batch.loaded
    }
}

/// One new batch of `rows`, its items wrapped by `wrap` and keyed by the
/// `key` of their row: for relations that point up or across (a
/// commitment's pledge), where children are found by key, not by parent.
pub(crate) fn keyed<T, L: Default, O>(
    rows: Vec<T>,
    key: impl Fn(&T) -> Uuid,
    wrap: impl Fn(Item<T, L>) -> O,
) -> HashMap<Uuid, O> {
    Item::all(rows)
        .into_iter()
        .map(|item| (key(item.row()), wrap(item)))
        .collect()
}

/// The children of a batch's rows: one batch of them, grouped by the key
/// of the parent they belong to, each group in load order.
#[derive(Debug)]
pub(crate) struct Children<T, L> {
    batch: Arc<Batch<T, L>>,
    by_parent: HashMap<Uuid, Vec<usize>>,
}

impl<T, L: Default> Children<T, L> {
    /// Groups `rows` by `parent`.
    pub(crate) fn new(rows: Vec<T>, parent: impl Fn(&T) -> Uuid) -> Self {
        let mut by_parent: HashMap<Uuid, Vec<usize>> = HashMap::new();
        for (at, row) in rows.iter().enumerate() {
            by_parent.entry(parent(row)).or_default().push(at);
        }
        Self {
            batch: Arc::new(Batch {
                rows,
                loaded: L::default(),
            }),
            by_parent,
        }
    }

    /// Children from (parent key, row) pairs.
    pub(crate) fn from_pairs(pairs: Vec<(Uuid, T)>) -> Self {
        let mut by_parent: HashMap<Uuid, Vec<usize>> = HashMap::new();
        let mut rows = Vec::with_capacity(pairs.len());
        for (at, (parent, row)) in pairs.into_iter().enumerate() {
            by_parent.entry(parent).or_default().push(at);
            rows.push(row);
        }
        Self {
            batch: Arc::new(Batch {
                rows,
                loaded: L::default(),
            }),
            by_parent,
        }
    }
}

impl<T, L> Children<T, L> {
    /// The children of the parent keyed `parent`, as items.
    pub(crate) fn of(&self, parent: Uuid) -> Vec<Item<T, L>> {
        self.by_parent
            .get(&parent)
            .map(|positions| {
                positions
                    .iter()
                    .map(|&at| Item {
                        batch: self.batch.clone(),
                        at,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first child of `parent`, if any.
    pub(crate) fn first_of(&self, parent: Uuid) -> Option<Item<T, L>> {
        self.by_parent.get(&parent).and_then(|positions| {
            positions.first().map(|&at| Item {
                batch: self.batch.clone(),
                at,
            })
        })
    }
}

/// (parent key, value) pairs grouped by parent, each group in load order:
/// for relations whose children are plain values (codes, dates).
pub(crate) fn grouped<T>(pairs: impl IntoIterator<Item = (Uuid, T)>) -> HashMap<Uuid, Vec<T>> {
    let mut groups: HashMap<Uuid, Vec<T>> = HashMap::new();
    for (parent, value) in pairs {
        groups.entry(parent).or_default().push(value);
    }
    groups
}

/// The relation in `cell`, loading it with `load` if no sibling has yet.
/// Concurrent callers wait for the one load instead of starting their own.
pub(crate) async fn once<V, F>(cell: &OnceCell<V>, load: impl FnOnce() -> F) -> ApiResult<&V>
where
    F: Future<Output = ApiResult<V>>,
{
    cell.get_or_try_init(load).await
}
