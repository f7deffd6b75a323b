//! Runtime helpers the compiled templates call: field access, range, include, tpl, errors.
