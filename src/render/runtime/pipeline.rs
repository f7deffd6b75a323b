//! Go pipelines evaluated by the runtime from a compiled tree, not by
//! minijinja code.
//!
//! An action like `{{ toYaml .Values.x | nindent 4 }}` would be minijinja
//! code of three filter calls, each an expression minijinja lexes, parses
//! and generates instructions for, then runs through its VM. The compiler
//! instead turns the pipeline into an [`Expr`] tree (the same helpers in
//! the same order) kept in the engine's table, and the code is one call:
//! `N|f__p` (`N|f__p(a,b)` when it reads minijinja values: a `with` or
//! `range` dot, a variable). A run of texts and actions, with `if`, `with`
//! and `range` blocks of them and (in a unit's whole body) variables, is
//! one tree too, and a define whose body is one is a [`TreeMacro`]; the
//! rest of the control flow stays minijinja's.

use std::sync::Arc;

use minijinja::value::{Object, Rest};
use minijinja::{Error, ErrorKind, State, Value};

use super::{call, field, raise, structs, truth, unit_dot};
use crate::render::compile::TreeBody;

/// One node of a compiled pipeline: the value of a command or argument.
#[derive(Debug)]
pub enum Expr {
    /// A literal, as minijinja would have made it from the code.
    Const(Value),
    /// The `i`-th value the code passes to `f__p`.
    Local(usize),
    /// The running unit's `dot` parameter (see `compile::DOT`).
    UnitDot,
    /// A field chain of `base`: see `runtime::field` for `head`;
    /// `args` are a method call's, `base_type` the base's static type when
    /// known only at run time.
    Field {
        head: Box<str>,
        base: Box<Expr>,
        args: Option<Vec<Expr>>,
        base_type: Option<Box<Expr>>,
    },
    /// A template function call: see `runtime::call` for `head`.
    Call {
        head: Box<str>,
        args: Vec<Expr>,
    },
    /// Go's `and`/`or`: operands evaluated until one decides, whose value
    /// (not a bool) is the result.
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// `if` tests (bool values): Go's truth of a value and its negation
    /// (`and`/`or` of tests are [`Expr::And`]/[`Expr::Or`] under a truth).
    Truth(Box<Expr>),
    Not(Box<Expr>),
    /// `{{template "name" dot}}` (see `engine_fns::template`).
    Template {
        location: Box<str>,
        name: Box<str>,
        dot: Box<Expr>,
    },
    /// A run of texts and actions, printed one after the other: their
    /// text as the environment's formatter prints each value.
    Concat(Vec<Expr>),
    /// An `if` whose branches are runs: the run the test (a bool, as
    /// minijinja's `{% if %}` reads it) picks, or nothing.
    If {
        test: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    /// A `with` whose branches are runs: when Go's truth of `value` holds,
    /// `then` with `value` as dot ([`Expr::WithDot`]), else `otherwise`.
    With {
        value: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    /// The dot of the `i`-th enclosing [`Expr::With`] of the tree,
    /// outermost first.
    WithDot(usize),
    /// `$x := value` or `$x = value` in a tree that is a whole unit's
    /// body: the value goes to the tree's variable `slot`; prints nothing.
    Set {
        slot: usize,
        value: Box<Expr>,
    },
    /// The value of the tree's variable `slot`.
    Var(usize),
    /// `range` over `value` (Go's iteration: see `runtime::range_items`,
    /// whose errors name `location`), setting the variables `key_var` and
    /// `value_var` of the tree: `body` printed for each item, `otherwise`
    /// when there is none.
    Range {
        location: Box<str>,
        value: Box<Expr>,
        key_var: Option<usize>,
        value_var: Option<usize>,
        body: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    /// Part `part` of the item of the `depth`-th enclosing [`Expr::Range`]
    /// of the tree (outermost first): 0 its key, 1 its value (the dot), 2
    /// the value's static type.
    Item {
        depth: usize,
        part: usize,
    },
    /// A command that fails when run (`nil` as a command, ...).
    Raise {
        location: Box<str>,
        message: Box<str>,
    },
    /// An imaginary constant (`2i`).
    Imaginary(f64),
}

/// What a tree reads besides the state: the values the code passed, the
/// dots of the `with`s and the items of the `range`s being evaluated, and
/// its variables.
pub struct Frame {
    locals: Vec<Value>,
    withs: Vec<Value>,
    /// Go's dot at the start of the unit when the tree runs as a unit of
    /// its own ([`TreeMacro`]), not in the macro whose `dot` it reads.
    dot: Option<Value>,
    /// The tree's variables (see [`Expr::Set`]).
    vars: Vec<Value>,
    /// The items of the `range`s being evaluated, innermost last.
    items: Vec<Value>,
}

impl Frame {
    fn new(locals: Vec<Value>, dot: Option<Value>) -> Frame {
        Frame {
            locals,
            withs: Vec::new(),
            dot,
            vars: Vec::new(),
            items: Vec::new(),
        }
    }

    fn set(&mut self, slot: usize, value: Value) {
        if self.vars.len() <= slot {
            self.vars.resize(slot + 1, Value::UNDEFINED);
        }
        self.vars[slot] = value;
    }
}

/// Evaluates `expr` with the values the code passed.
pub fn eval(state: &mut State, expr: &Expr, frame: &mut Frame) -> Result<Value, Error> {
    match expr {
        Expr::Const(v) => Ok(v.clone()),
        Expr::Local(i) => Ok(frame.locals.get(*i).cloned().unwrap_or(Value::UNDEFINED)),
        Expr::WithDot(i) => Ok(frame.withs.get(*i).cloned().unwrap_or(Value::UNDEFINED)),
        Expr::Set { slot, value } => {
            let value = eval(state, value, frame)?;
            frame.set(*slot, value);
            Ok(Value::from(""))
        }
        Expr::Var(i) => Ok(frame.vars.get(*i).cloned().unwrap_or(Value::UNDEFINED)),
        Expr::Range {
            location,
            value,
            key_var,
            value_var,
            body,
            otherwise,
        } => {
            let value = eval(state, value, frame)?;
            let vars = usize::from(key_var.is_some()) + usize::from(value_var.is_some());
            let items = super::range_items(state, location, value, vars)?;
            let mut out = String::new();
            let mut any = false;
            for item in items.try_iter()? {
                any = true;
                state.consume_fuel(ITERATION_FUEL)?;
                if let Some(slot) = key_var {
                    frame.set(*slot, item.get_item_by_index(0).unwrap_or_default());
                }
                if let Some(slot) = value_var {
                    frame.set(*slot, item.get_item_by_index(1).unwrap_or_default());
                }
                frame.items.push(item);
                let printed = eval(state, body, frame);
                frame.items.pop();
                print_into(&mut out, &printed?)?;
            }
            match any {
                true => Ok(Value::from(out)),
                false => eval_or_nothing(state, otherwise, frame),
            }
        }
        Expr::Item { depth, part } => Ok(frame
            .items
            .get(*depth)
            .and_then(|item| item.get_item_by_index(*part).ok())
            .unwrap_or(Value::UNDEFINED)),
        Expr::UnitDot => Ok(match &frame.dot {
            Some(dot) => dot.clone(),
            None => unit_dot(state),
        }),
        Expr::Field {
            head,
            base,
            args,
            base_type,
        } => {
            let base = eval(state, base, frame)?;
            let args = match args {
                Some(args) => Some(Value::from(eval_all(state, args, frame)?)),
                None => None,
            };
            let base_type = match base_type {
                Some(t) => Some(eval(state, t, frame)?),
                None => None,
            };
            let base_type = base_type.as_ref().and_then(Value::as_str);
            field(state, head, base, args, base_type)
        }
        Expr::Call { head, args } => {
            let args = eval_all(state, args, frame)?;
            call(state, head, Rest(args))
        }
        Expr::And(operands) => short_circuit(state, operands, frame, false),
        Expr::Or(operands) => short_circuit(state, operands, frame, true),
        Expr::Truth(e) => Ok(Value::from(truth(&eval(state, e, frame)?))),
        Expr::Not(e) => Ok(Value::from(!truth(&eval(state, e, frame)?))),
        Expr::Template {
            location,
            name,
            dot,
        } => {
            let dot = eval(state, dot, frame)?;
            super::engine_fns::template(state, location, name, dot)
        }
        Expr::Concat(parts) => {
            let mut out = String::new();
            for part in parts {
                let value = eval(state, part, frame)?;
                print_into(&mut out, &value)?;
            }
            Ok(Value::from(out))
        }
        Expr::If {
            test,
            then,
            otherwise,
        } => {
            if eval(state, test, frame)?.is_true() {
                eval(state, then, frame)
            } else {
                eval_or_nothing(state, otherwise, frame)
            }
        }
        Expr::With {
            value,
            then,
            otherwise,
        } => {
            let value = eval(state, value, frame)?;
            if truth(&value) {
                frame.withs.push(value);
                let printed = eval(state, then, frame);
                frame.withs.pop();
                printed
            } else {
                eval_or_nothing(state, otherwise, frame)
            }
        }
        Expr::Raise { location, message } => raise(state, location, message),
        Expr::Imaginary(im) => Ok(structs::complex(0.0, *im)),
    }
}

/// An `else` branch's text, or nothing without one.
fn eval_or_nothing(
    state: &mut State,
    otherwise: &Option<Box<Expr>>,
    frame: &mut Frame,
) -> Result<Value, Error> {
    match otherwise {
        Some(otherwise) => eval(state, otherwise, frame),
        None => Ok(Value::from("")),
    }
}

/// Appends `value` as the environment's formatter prints it. The text is
/// counted against the output limit when it is printed; this fails as
/// that will as soon as it cannot fit.
fn print_into(out: &mut String, value: &Value) -> Result<(), Error> {
    out.push_str(&crate::render::format::printed(value));
    crate::render::engine::check_room(out.len())
}

fn eval_all(state: &mut State, exprs: &[Expr], frame: &mut Frame) -> Result<Vec<Value>, Error> {
    let mut values = Vec::with_capacity(exprs.len());
    for e in exprs {
        values.push(eval(state, e, frame)?);
    }
    Ok(values)
}

/// `and` stops at the first false operand, `or` at the first true one;
/// the last operand decides otherwise.
fn short_circuit(
    state: &mut State,
    operands: &[Expr],
    frame: &mut Frame,
    stop_when: bool,
) -> Result<Value, Error> {
    let Some((last, first)) = operands.split_last() else {
        return Ok(Value::from(()));
    };
    for operand in first {
        let value = eval(state, operand, frame)?;
        if truth(&value) == stop_when {
            return Ok(value);
        }
    }
    eval(state, last, frame)
}

/// Pipeline `index` of the engine's table.
fn table_pipeline(state: &State, index: usize) -> Result<Arc<Expr>, Error> {
    state
        .get_extension::<super::loc::Table>()
        .and_then(|t| t.0.pipeline(index))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "internal error: no pipeline"))
}

/// `N|f__p(locals...)`: evaluates pipeline `N` of the engine's table.
pub(super) fn run(state: &mut State, index: usize, locals: Rest<Value>) -> Result<Value, Error> {
    let pipeline = table_pipeline(state, index)?;
    eval(state, &pipeline, &mut Frame::new(locals.0, None))
}

/// A define whose body is one run (see `compile::TreeBody`), callable
/// like its macro: `(dot)` -> the text it prints. It runs the tree
/// directly, so the define needs no minijinja unit (compile, load and
/// import cost several times what most such defines take to run).
#[derive(Debug)]
pub struct TreeMacro(pub TreeBody);

/// Fuel each iteration of a tree's `range` takes (besides the item's own,
/// see `runtime::range_items`): about what an iteration of minijinja's
/// loop took (iterate, bind the item and variables, print, jump, ...), so
/// nested loops run out of fuel as soon as they did there (two nested
/// `range until 1000000`: 2.8 s to the fuel error either way).
const ITERATION_FUEL: u64 = 10;

/// Fuel a call of a [`TreeMacro`] takes: about what running its macro
/// (call, one print, return) took, so recursion stays bounded alike.
const TREE_MACRO_FUEL: u64 = 8;

impl Object for TreeMacro {
    fn call(self: &Arc<Self>, state: &mut State<'_, '_>, args: &[Value]) -> Result<Value, Error> {
        state.consume_fuel(TREE_MACRO_FUEL)?;
        let dot = args.first().cloned().unwrap_or(Value::UNDEFINED);
        let pipeline = table_pipeline(state, self.0.pipeline)?;
        let locals = match self.0.reads_root {
            true => vec![dot.clone()],
            false => Vec::new(),
        };
        let mut frame = Frame::new(locals, Some(dot));
        // Includes nest through here without minijinja's VM (which grows
        // the stack as it recurses): grow it here alike.
        let value = stacker::maybe_grow(32 * 1024, 1024 * 1024, || {
            eval(state, &pipeline, &mut frame)
        })?;
        // Counted as the macro's print of it was (a run's value is a string:
        // no copy then).
        if let Some(text) = value.as_str() {
            crate::render::engine::count_emitted(text.len())?;
            return Ok(value);
        }
        let text = crate::render::format::printed(&value).into_owned();
        crate::render::engine::count_emitted(text.len())?;
        Ok(Value::from(text))
    }
}
