//! What a form shows besides its fields: each field's error next to it, one
//! line above the form when something went wrong, and whether it is sending.

use crate::api::ApiError;
use domain::FieldError;
use leptos::prelude::*;

/// The line above a form whose fields need attention.
pub const FIELDS_NEED_ATTENTION: &str = "Some fields need attention.";

/// The state of one form; cheap to copy.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The invalid fields, shown next to each.
    pub errors: RwSignal<Vec<FieldError>>,
    /// What went wrong, above the form.
    pub failure: RwSignal<Option<String>>,
    /// Sent and not answered yet (the submit button waits).
    pub busy: RwSignal<bool>,
}

impl FormState {
    pub fn new() -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// Starts sending once the browser's own check (`domain`'s validation,
    /// the server's too) passes; false, with the errors shown, when it fails.
    pub fn start<T>(&self, checked: Result<T, Vec<FieldError>>) -> bool {
        match checked {
            Err(errors) => {
                self.errors.set(errors);
                self.failure.set(Some(FIELDS_NEED_ATTENTION.into()));
                false
            }
            Ok(_) => {
                self.errors.set(Vec::new());
                self.failure.set(None);
                self.busy.set(true);
                true
            }
        }
    }

    /// The server refused: field errors next to their fields, the rest above.
    pub fn fail(&self, error: &ApiError) {
        let (errors, failure) = failure_of(error);
        self.errors.set(errors);
        self.failure.set(Some(failure));
        self.busy.set(false);
    }

    /// The answer arrived.
    pub fn done(&self) {
        self.busy.set(false);
    }
}

/// A refusal as a form shows it: its field errors, and the line above the form.
pub fn failure_of(error: &ApiError) -> (Vec<FieldError>, String) {
    let errors = error.field_errors();
    let line = if errors.is_empty() {
        error.message()
    } else {
        FIELDS_NEED_ATTENTION.to_owned()
    };
    (errors, line)
}

/// The line above a form, when something went wrong.
#[component]
pub fn FormFailure(
    /// The form.
    state: FormState,
) -> impl IntoView {
    move || {
        state
            .failure
            .get()
            .map(|message| view! { <p class="alert error" role="alert">{message}</p> })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{ErrorCode, Problem};

    #[test]
    fn a_refusal_with_fields_points_at_them_and_any_other_says_why() {
        let invalid = ApiError::Problem(Problem::validation(vec![FieldError::new(
            "name",
            "must not be empty",
        )]));
        let (errors, line) = failure_of(&invalid);
        assert_eq!(errors.len(), 1);
        assert_eq!(line, FIELDS_NEED_ATTENTION);
        let taken = ApiError::Problem(Problem::new(
            ErrorCode::EmailTaken,
            "An account with this email already exists.",
        ));
        assert_eq!(
            failure_of(&taken),
            (
                Vec::new(),
                "An account with this email already exists.".to_owned()
            )
        );
        assert_eq!(
            failure_of(&ApiError::Offline).1,
            ApiError::Offline.message()
        );
    }
}
