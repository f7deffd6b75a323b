//! Rendered manifests: split into documents, ordered as Helm installs them.
