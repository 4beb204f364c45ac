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
        Some(cursor) => cursor.parse::<usize>().map_err(|_| {
            ApiError::Invalid(vec![FieldError::new(
                "cursor",
                "is not a cursor this list gave",
            )])
        })?,
    };
    let total = items.len();
    let items: Vec<T> = items.into_iter().skip(start).take(paging.limit).collect();
    let end = start + items.len();
    Ok(domain::api::Page {
        items,
        next_cursor: (end < total).then(|| end.to_string()),
    })
}

/// A page from `limit + 1` rows read after the cursor: the extra row, if there,
/// only says that more follow; the cursor is the last kept item's.
pub fn page_of<T>(
    mut rows: Vec<T>,
    limit: usize,
    cursor_of: impl Fn(&T) -> String,
) -> domain::api::Page<T> {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(cursor_of)
    } else {
        None
    };
    domain::api::Page {
        items: rows,
        next_cursor,
    }
}
