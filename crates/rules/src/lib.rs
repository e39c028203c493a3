//! Rule engine and the rule catalog R01–R21. (Being built: see issue 5.)
