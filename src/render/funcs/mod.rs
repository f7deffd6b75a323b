//! The Helm + Sprig function library, registered into a minijinja Environment.
