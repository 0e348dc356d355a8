//! Who asks a use case, and from where: what the use cases need of a request (the web service) or
//! of a command (the command line), and nothing of either.

use crate::access::{Capability, Principal};
use crate::error::{Error, Result};

/// The signed-in principal and the address the request came from (for the audit log).
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// Who.
    pub principal: &'a Principal,
    /// From where (an address, or `local` for the command line).
    pub remote: &'a str,
}

impl<'a> Caller<'a> {
    /// The principal when the role and credential allow `capability`.
    pub fn require(&self, capability: Capability) -> Result<&'a Principal> {
        if self.principal.may(capability) {
            Ok(self.principal)
        } else {
            Err(Error::Forbidden(format!(
                "the role {} may not do this",
                self.principal.role.as_str()
            )))
        }
    }
}
