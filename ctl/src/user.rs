//! Who is calling: the user name sent with writes and used by `--me`-style defaults
//! (`corral_proto::caller`).

pub use corral_proto::caller::os_user as current;
