//! Data from the server on a page: a resource that loads (and loads again when
//! the connection returns), and [`Loaded`], which shows a skeleton the first
//! time, keeps the last answer while reloading (`Transition`), and shows the
//! offline state or the error's message through an `ErrorBoundary`.

use super::offline_state::OfflineState;
use crate::api::ApiError;
use crate::network::use_network;
use leptos::prelude::*;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

/// A loaded value of any type: what every [`Load`] keeps in one resource type,
/// so Leptos's resource and async-derived machinery (its futures, its reads
/// inside a `Transition`) is compiled once for the app, not once for each of
/// the dozens of types the pages load (issue 18: about 30 KB of the wasm).
type Value = Rc<dyn Any>;
type Answer = Pin<Box<dyn Future<Output = Result<Value, ApiError>>>>;

/// Data from the server: a resource of `T` (see [`load`]).
pub struct Load<T> {
    resource: LocalResource<Result<Value, ApiError>>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

impl<T: Clone + 'static> Load<T> {
    /// The answer, once loaded (tracked: a view reading it follows reloads).
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.resource
            .get()
            .map(|answer| answer.map(|value| typed::<T>(&value).clone()))
    }
}

impl<T> Load<T> {
    /// Loads again.
    pub fn refetch(&self) {
        self.resource.refetch();
    }
}

/// The `T` a [`Load<T>`] stored: only `load` stores values, always a `T`.
fn typed<T: 'static>(value: &Value) -> &T {
    value
        .downcast_ref::<T>()
        .unwrap_or_else(|| unreachable!("a Load<T> holds a T"))
}

/// A resource answering `fetch()`, fetched again whenever a signal `fetch`
/// reads changes, on `refetch()`, and when the connection returns.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Load<T>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    Load {
        resource: load_any(Box::new(move || {
            let request = fetch();
            Box::pin(async move { request.await.map(|value| Rc::new(value) as Value) })
        })),
        value: PhantomData,
    }
}

/// [`load`] for every type at once.
fn load_any(fetch: Box<dyn Fn() -> Answer>) -> LocalResource<Result<Value, ApiError>> {
    let network = use_network();
    LocalResource::new(move || {
        let online = network.online.get();
        // The request starts when the future is polled: offline, it never is.
        let request = fetch();
        async move {
            if online {
                request.await
            } else {
                Err(ApiError::Offline)
            }
        }
    })
}

/// Shows `resource`'s value through `children` once it has loaded.
#[component]
pub fn Loaded<T, V, F>(
    /// What loads.
    resource: Load<T>,
    /// The view of the loaded value (`let:value`).
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let render = move || {
        resource
            .get()
            .map(|answer| answer.map(|value| children(value).into_any()))
    };
    loading_frame(Box::new(render))
}

/// What [`Loaded`] draws, once for every type it loads (type-erased: the
/// transition and the error boundary are compiled once, not per page).
fn loading_frame(
    render: Box<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send + Sync>,
) -> AnyView {
    view! {
        <Transition fallback=|| view! { <div class="skeleton block" aria-busy="true"></div> }>
            <ErrorBoundary fallback=|errors| view! { <LoadFailed errors /> }>
                {move || render()}
            </ErrorBoundary>
        </Transition>
    }
    .into_any()
}

/// Why loading failed: offline, or the server's sentence.
#[component]
fn LoadFailed(
    /// The errors the boundary caught.
    errors: ArcRwSignal<Errors>,
) -> impl IntoView {
    let offline = {
        let errors = errors.clone();
        move || {
            errors.with(|errors| {
                errors.iter().any(|(_, error)| {
                    matches!(error.downcast_ref::<ApiError>(), Some(ApiError::Offline))
                })
            })
        }
    };
    let messages = move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| error.to_string())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=offline.clone() fallback=move || view! {
            {messages().into_iter().map(|m| view! { <p class="alert error" role="alert">{m}</p> }).collect_view()}
        }>
            <OfflineState />
        </Show>
    }
}
