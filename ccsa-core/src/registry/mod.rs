//! The roster (名单): key counties, their emergency bureaus and listed
//! enterprises, and the coordination office's contact directory.
//!
//! Only listed orgs may register an admin. The coordination office adds orgs
//! (a county widening its scope) and retires them (an enterprise that stopped
//! production or left the chemical industry); a retired org keeps its history
//! but drops out of reports for periods after its retirement date.

mod county;
mod org;
mod roster;

pub use county::{County, CountyId, SecretaryGroup};
pub use org::{
    Contact, ContactDirectory, ContactLine, ContactPhone, NewOrg, Org, OrgContacts, OrgId, OrgKind,
    parse_org_name,
};
pub use roster::Roster;
