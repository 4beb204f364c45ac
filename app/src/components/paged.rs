//! A cursor-paged list: the first page is a resource ([`load`]: fetched again
//! when what it reads changes, when the connection returns, or on
//! [`PagedList::reload`]), and "Load more" appends the pages after it.

use super::loaded::{load, Load, Loaded};
use crate::api::ApiError;
use domain::api::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

type Answer<T> = Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>>>>;
type Fetch<T> = Rc<dyn Fn(Option<String>) -> Answer<T>>;

/// The pages of a list loaded so far.
pub struct PagedList<T: Send + Sync + 'static> {
    first: Load<Page<T>>,
    /// The items of the pages after the first, in order.
    more: RwSignal<Vec<T>>,
    /// The cursor after the last appended page, once one was appended.
    next: RwSignal<Option<Option<String>>>,
    /// Why the last "Load more" failed.
    failure: RwSignal<Option<String>>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for PagedList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for PagedList<T> {}

impl<T: Clone + Send + Sync + 'static> PagedList<T> {
    /// A list whose page after `cursor` is `fetch(cursor)`. The signals
    /// `fetch` reads (a search, a filter) make the first page load again.
    pub fn new<Fut>(fetch: impl Fn(Option<String>) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move |cursor| Box::pin(fetch(cursor)));
        let more = RwSignal::new(Vec::new());
        let next = RwSignal::new(None);
        let failure = RwSignal::new(None);
        let first_page = fetch.clone();
        let first = load(move || {
            // A new first page starts the list over.
            more.set(Vec::new());
            next.set(None);
            failure.set(None);
            first_page(None)
        });
        Self {
            first,
            more,
            next,
            failure,
            fetch: StoredValue::new_local(fetch),
        }
    }

    /// Loads the list again from its first page (after a change).
    pub fn reload(&self) {
        self.first.refetch();
    }

    /// Every item loaded so far (none while the first page loads or failed).
    pub fn loaded(&self) -> Vec<T> {
        match self.first.get() {
            Some(Ok(first)) => self.items(&first),
            _ => Vec::new(),
        }
    }

    /// Every item loaded so far, the first page's first.
    fn items(&self, first: &Page<T>) -> Vec<T> {
        let mut items = first.items.clone();
        items.extend(self.more.get());
        items
    }

    fn next_cursor(&self, first: &Page<T>) -> Option<String> {
        self.next.get().unwrap_or_else(|| first.next_cursor.clone())
    }

    /// Appends the next page.
    fn load_more(&self, first: &Page<T>) {
        let Some(cursor) = self.next_cursor(first) else {
            return;
        };
        let answer = self.fetch.with_value(|fetch| fetch(Some(cursor)));
        let list = *self;
        spawn_local(async move {
            match answer.await {
                Ok(page) => {
                    list.more.update(|items| items.extend(page.items));
                    list.next.set(Some(page.next_cursor));
                    list.failure.set(None);
                }
                Err(error) => list.failure.set(Some(error.message())),
            }
        });
    }
}

/// A paged list: `children` draws the items loaded so far (never an empty
/// list: `empty` says so instead), then a "Load more" button while more follow.
#[component]
pub fn PagedView<T, V, F>(
    /// The list.
    list: PagedList<T>,
    /// What an empty list says (and what to do about it).
    #[prop(into)]
    empty: String,
    /// The "Load more" button's text.
    #[prop(into, default = "Load more".into())]
    more_label: String,
    /// Draws the items.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(Vec<T>) -> V + Clone + Send + Sync + 'static,
{
    let failure = list.failure;
    let page = move |first: Page<T>| {
        let (children, empty) = (children.clone(), empty.clone());
        let shown = first.clone();
        let items: Box<dyn Fn() -> AnyView + Send + Sync> = Box::new(move || {
            let items = list.items(&shown);
            if items.is_empty() {
                view! { <div class="empty-state"><p>{empty.clone()}</p></div> }.into_any()
            } else {
                children(items).into_any()
            }
        });
        let more = first.clone();
        let has_more: Box<dyn Fn() -> bool + Send + Sync> =
            Box::new(move || list.next_cursor(&first).is_some());
        let load_more: Box<dyn Fn() + Send + Sync> = Box::new(move || list.load_more(&more));
        paged_frame(items, has_more, load_more, more_label.clone(), failure)
    };
    view! { <Loaded resource=list.first let:first>{page(first)}</Loaded> }
}

/// What [`PagedView`] draws around the items, compiled once for every type.
fn paged_frame(
    items: Box<dyn Fn() -> AnyView + Send + Sync>,
    has_more: Box<dyn Fn() -> bool + Send + Sync>,
    load_more: Box<dyn Fn() + Send + Sync>,
    more_label: String,
    failure: RwSignal<Option<String>>,
) -> AnyView {
    let load_more = std::sync::Arc::new(load_more);
    view! {
        {move || items()}
        <Show when=move || has_more()>
            <div class="actions center">
                <button type="button" class="button secondary" on:click={
                    let load_more = load_more.clone();
                    move |_| load_more()
                }>{more_label.clone()}</button>
            </div>
        </Show>
        {move || failure.get().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
    }
    .into_any()
}
