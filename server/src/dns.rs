//! DNS lookups for domain verification (SPEC §16), through `hickory-resolver`:
//! the configured server (`ORGSPACE_DNS_SERVER`, UDP then TCP), or the
//! system's resolvers. Nothing is cached: a record added, changed or removed
//! is seen at the next verification.

use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::{ResolveError, Resolver, TokioResolver};
use std::net::SocketAddr;
use std::time::Duration;

/// Looks TXT records up.
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dns")
    }
}

impl Dns {
    /// A resolver asking `server`, or the system's resolvers without one.
    pub fn new(server: Option<SocketAddr>) -> Result<Self, String> {
        let builder = match server {
            Some(addr) => {
                let servers =
                    NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true);
                let config = ResolverConfig::from_parts(None, Vec::new(), servers);
                Resolver::builder_with_config(config, TokioConnectionProvider::default())
            }
            None => {
                Resolver::builder_tokio().map_err(|e| format!("system DNS configuration: {e}"))?
            }
        };
        let mut builder = builder;
        let options: &mut ResolverOpts = builder.options_mut();
        options.cache_size = 0;
        options.timeout = Duration::from_secs(3);
        options.attempts = 2;
        Ok(Self {
            resolver: builder.build(),
        })
    }

    /// The texts of `name`'s TXT records (each record's strings joined); none
    /// when the name does not exist or has no TXT record.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, String> {
        // A final dot: the name is absolute, never searched under a local suffix.
        let absolute = format!("{}.", name.trim_end_matches('.'));
        match self.resolver.txt_lookup(absolute).await {
            Ok(lookup) => Ok(lookup
                .iter()
                .map(|txt| {
                    txt.txt_data()
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>()
                })
                .collect()),
            Err(error) if absent(&error) => Ok(Vec::new()),
            Err(error) => Err(error.to_string()),
        }
    }
}

fn absent(error: &ResolveError) -> bool {
    error.is_nx_domain() || error.is_no_records_found()
}
