//! Values the request tests share.

use crate::error::FieldError;
use crate::text::BillingAddressInput;

/// A valid Swiss billing address.
pub fn address() -> BillingAddressInput {
    BillingAddressInput {
        name: "Acme AG".into(),
        street: "Bahnhofstrasse 1".into(),
        city: "Zürich".into(),
        postal_code: "8001".into(),
        country: "CH".into(),
    }
}

/// The fields a validation reported, in order.
pub fn fields(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}
