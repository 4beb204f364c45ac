//! `?limit=&cursor=` as the spec defines them.

use crate::error::ApiError;
use domain::FieldError;
use serde::Deserialize;

/// Raw paging parameters, checked by [`PageParams::parse`].
#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// Checked paging: `limit` in 1..=200 (default 50).
#[derive(Debug, Clone)]
pub struct Paging {
    pub limit: usize,
    pub cursor: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

impl PageParams {
    /// `validation` on `cursor`: not a cursor a list gave.
    pub fn bad_cursor() -> ApiError {
        ApiError::Invalid(vec![FieldError::new(
            "cursor",
            "is not a cursor this list gave",
        )])
    }

    pub fn parse(&self) -> Result<Paging, ApiError> {
        let limit = match self.limit.as_deref() {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::Invalid(vec![FieldError::new(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    )]))
                }
            },
        };
        Ok(Paging {
            limit,
            cursor: self.cursor.clone().filter(|c| !c.is_empty()),
        })
    }
}

/// Pages a short list held in memory (accounts of one user, bounded by the
/// organization limit); the cursor is the position of the next item.
pub fn page_in_memory<T>(items: Vec<T>, paging: &Paging) -> Result<domain::api::Page<T>, ApiError> {
    let start = match &paging.cursor {
        None => 0,
        Some(cursor) => cursor
            .parse::<usize>()
            .map_err(|_| PageParams::bad_cursor())?,
    };
    let total = items.len();
    let items: Vec<T> = items.into_iter().skip(start).take(paging.limit).collect();
    let end = start + items.len();
    Ok(domain::api::Page {
        items,
        next_cursor: (end < total).then(|| end.to_string()),
    })
}

/// The wire page of a store's page and the cursor of the next one.
pub fn page_of<T, C: ToString>((items, next): (Vec<T>, Option<C>)) -> domain::api::Page<T> {
    domain::api::Page {
        items,
        next_cursor: next.map(|c| c.to_string()),
    }
}
