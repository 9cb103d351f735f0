// Package model holds sequential specifications of concurrent types, in a
// typed form that the linearizability checker (porcupine) can use.
//
// A specification is a [Model] with three type parameters: the state S, the
// input I of one operation (which operation, and its arguments) and its
// output O. Most types are deterministic: fill [Model.Apply], a pure
// function from a state and an input to the next state and the output the
// real type must have returned. Types whose output is not a function of
// the state (a worker pool reports a job done or cancelled depending on
// timing) fill [Model.Step] and [Model.Pending] instead.
//
// # Shipped models
//
// [Counter], [Stack], [Queue], [Limiter] (a token bucket whose inputs
// carry the virtual time of the call) and [Pool] (every accepted job is
// reported exactly once). Their inputs and outputs are plain structs; each
// input has a String method that formats it as a call, Add(2), and each
// model formats its operations ([Model.DescribeInput],
// [Model.DescribeOutput]) so they read well in reports and
// visualizations: the stack model calls ContainerPut Push(3), the queue
// model Enqueue(3). An output with a field its operation does not return
// is shown whole, so a wrong output never reads as a right one.
//
// Operations are named after their model: CounterAdd, ContainerPut,
// LimiterWait, PoolSubmit.
//
// # Operations that never returned
//
// A history can end with operations that were called but never returned
// (the thread hung, or the run was cut short). Package linearize passes
// them to the checker with a nil output and a return at the end of the
// history; a Model built here treats a nil output as "took effect, result
// unknown", which is the only safe reading: dropping such an operation
// would report violations that did not happen. That is why O must not be
// an interface type.
//
// # Writing your own
//
// See [Model] and the example on it. A Model is what stress.Spec's Model
// field takes (as a [Sequential], which every Model is). A model is a
// value; it is safe for concurrent use as long as its functions are pure,
// which they must be.
package model
