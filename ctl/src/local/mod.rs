//! The local cluster that `corral up` starts and `corral down` stops, kept in `./.corral/`:
//! where each daemon's data, log and pid file go (`layout`), the schedulers' ports (`ports`),
//! finding, starting, checking and signalling processes (`process`), starting the daemons
//! (`launch`) and stopping them (`stop`).

pub mod launch;
pub mod layout;
pub mod ports;
pub mod process;
pub mod stop;
