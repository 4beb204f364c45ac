//! A cursor-paged list as pages hold it: the items loaded so far (or why they
//! could not be), and the cursor of the next page for "Load more".

use crate::api::ApiError;
use domain::api::Page;
use leptos::prelude::*;

/// The list's state; `None` until the first page arrives.
pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Option<Result<Vec<T>, ApiError>>>,
    pub next_cursor: RwSignal<Option<String>>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(None),
            next_cursor: RwSignal::new(None),
        }
    }

    /// The cursor to ask with: the next page's when appending, none when reloading.
    pub fn cursor(&self, append: bool) -> Option<String> {
        if append {
            self.next_cursor.get_untracked()
        } else {
            None
        }
    }

    /// Takes a page's answer: appended to what is shown, or replacing it.
    pub fn apply(&self, append: bool, answer: Result<Page<T>, ApiError>) {
        match answer {
            Ok(page) => {
                self.next_cursor.set(page.next_cursor);
                self.items.update(|current| match (append, current) {
                    (true, Some(Ok(list))) => list.extend(page.items),
                    (_, current) => *current = Some(Ok(page.items)),
                });
            }
            Err(error) => self.items.set(Some(Err(error))),
        }
    }

    pub fn has_more(&self) -> bool {
        self.next_cursor.with(Option::is_some)
    }
}
