//! Macros the rule modules share.

/// `Display` (the id) and `FromStr` (from the id) of an enum with `ALL` and
/// `id()`: the wire and database form of every closed set of values.
macro_rules! text_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::catalog::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.id() == s)
                    .ok_or($crate::catalog::UnknownValue)
            }
        }
    };
}
