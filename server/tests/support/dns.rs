//! A real DNS server on loopback (`tools/dns_server.py`, dnslib) whose TXT
//! records a test sets and changes while the server under test asks it.

use super::tool::{self, Tool};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

pub struct DnsServer {
    _tool: Tool,
    pub addr: SocketAddr,
    records: PathBuf,
}

impl DnsServer {
    pub fn start() -> Self {
        let records =
            std::env::temp_dir().join(format!("orgspace-dns-{}.json", uuid::Uuid::new_v4()));
        std::fs::write(&records, "{}").unwrap();
        let tool = tool::start("dns_server.py", &[records.to_str().unwrap()]);
        let addr = SocketAddr::from(([127, 0, 0, 1], tool.port));
        Self {
            _tool: tool,
            addr,
            records,
        }
    }

    /// Publishes `texts` as the TXT records of `name` (none: the name exists,
    /// without a TXT record).
    pub fn set_txt(&self, name: &str, texts: &[&str]) {
        let mut all = self.read();
        all.insert(
            name.to_owned(),
            texts.iter().map(|t| t.to_string()).collect(),
        );
        self.write(&all);
    }

    /// Removes `name` (NXDOMAIN from now on).
    pub fn remove(&self, name: &str) {
        let mut all = self.read();
        all.remove(name);
        self.write(&all);
    }

    fn read(&self) -> BTreeMap<String, Vec<String>> {
        serde_json::from_str(&std::fs::read_to_string(&self.records).unwrap()).unwrap()
    }

    /// Replaces the file in one step, so a query never reads half of it.
    fn write(&self, all: &BTreeMap<String, Vec<String>>) {
        let next = self.records.with_extension("next");
        std::fs::write(&next, serde_json::to_string(all).unwrap()).unwrap();
        std::fs::rename(&next, &self.records).unwrap();
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.records);
    }
}
