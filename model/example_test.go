package model_test

import (
	"fmt"
	"math"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/model"
)

// RegisterInput is one operation on a register: a Write of Value, or a
// Read.
type RegisterInput struct {
	Write bool
	Value int // with Write
}

// String formats the input as a call: Write(1), Read().
func (in RegisterInput) String() string {
	if in.Write {
		return fmt.Sprintf("Write(%d)", in.Value)
	}
	return "Read()"
}

// This example specifies a register holding an int, a deterministic type,
// so Apply is enough, and checks two histories with porcupine in which a
// Write(1) overlaps two Reads, one after the other. Reads that see 0, then
// 1 are legal; 1, then 0 would need the register to go back.
func ExampleModel() {
	register := model.Model[int, RegisterInput, int]{
		Init: func() int { return 0 },
		// Apply returns the state after the operation and what it
		// returns: the value for Read, nothing (0) for Write.
		Apply: func(s int, in RegisterInput) (int, int) {
			if in.Write {
				return in.Value, 0
			}
			return s, s
		},
		FormatOutput: func(in RegisterInput, out int) string {
			if in.Write {
				return "ok"
			}
			return fmt.Sprint(out)
		},
	}
	pm, err := register.Porcupine()
	if err != nil {
		fmt.Println(err)
		return
	}
	write, read := RegisterInput{Write: true, Value: 1}, RegisterInput{}

	// Thread 0 writes over the stamps [0, 10]; thread 1 reads 0 over
	// [1, 2], then 1 over [3, 4]: linearizable as Read, Write, Read.
	legal := []porcupine.Operation{
		{ClientId: 0, Input: write, Call: 0, Output: 0, Return: 10},
		{ClientId: 1, Input: read, Call: 1, Output: 0, Return: 2},
		{ClientId: 1, Input: read, Call: 3, Output: 1, Return: 4},
	}
	// The same with the Reads' results swapped.
	illegal := []porcupine.Operation{
		{ClientId: 0, Input: write, Call: 0, Output: 0, Return: 10},
		{ClientId: 1, Input: read, Call: 1, Output: 1, Return: 2},
		{ClientId: 1, Input: read, Call: 3, Output: 0, Return: 4},
	}
	fmt.Println("legal:", porcupine.CheckOperations(pm, legal))
	fmt.Println("illegal:", porcupine.CheckOperations(pm, illegal))
	fmt.Println(pm.DescribeOperation(write, 0))
	fmt.Println(pm.DescribeOperation(read, nil))
	// Output:
	// legal: true
	// illegal: false
	// Write(1) -> ok
	// Read() -> (never returned)
}

// This example checks a stack history in which one Push never returned:
// the Pop that returned its value shows it took effect, which the model
// accepts.
func ExampleStack() {
	pm, err := model.Stack().Porcupine()
	if err != nil {
		fmt.Println(err)
		return
	}
	push := model.ContainerInput{Op: model.ContainerPut, Value: 5}
	pop := model.ContainerInput{Op: model.ContainerTake}
	history := []porcupine.Operation{
		// Output nil and a return after everything: never returned.
		{ClientId: 0, Input: push, Call: 0, Output: nil, Return: math.MaxInt64},
		{ClientId: 1, Input: pop, Call: 1, Output: model.ContainerOutput{Value: 5, OK: true}, Return: 2},
	}
	fmt.Println(porcupine.CheckOperations(pm, history))
	fmt.Println(pm.DescribeOperation(push, nil))
	fmt.Println(pm.DescribeOperation(pop, history[1].Output))
	// Output:
	// true
	// Push(5) -> (never returned)
	// Pop() -> 5
}
