package blocking

import (
	"context"
	"sync"
)

// FetchPlainLeaky is [FetchLeaky] on plain Go: it returns what work
// computes, or ok false if ctx ends first.
//
// Bug: when ctx wins, the worker blocks forever on its send to the
// unbuffered channel. [FetchPlain] buffers it.
func FetchPlainLeaky(ctx context.Context, work func() int) (int, bool) {
	res := make(chan int)
	go func() { res <- work() }()
	select {
	case v := <-res:
		return v, true
	case <-ctx.Done():
		return 0, false
	}
}

// FetchPlain is [FetchPlainLeaky] fixed.
func FetchPlain(ctx context.Context, work func() int) (int, bool) {
	res := make(chan int, 1)
	go func() { res <- work() }()
	select {
	case v := <-res:
		return v, true
	case <-ctx.Done():
		return 0, false
	}
}

// SumPlainAddInside is [SumAddInside] on plain Go.
//
// Bug: wg.Add inside the goroutine; Wait can return before any Add.
// [SumPlain] adds before the go statement. (go vet's waitgroup check
// catches the simplest form, wg.Add first in a func literal started by a
// go statement; not this one, where the goroutine is a named closure.)
func SumPlainAddInside(xs []int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	square := func(x int) {
		wg.Add(1)
		defer wg.Done()
		mu.Lock()
		total += x * x
		mu.Unlock()
	}
	for _, x := range xs {
		go square(x)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}

// SumPlain is [SumPlainAddInside] fixed.
func SumPlain(xs []int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += x * x
			mu.Unlock()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}

// CollectPlainLossy is [CollectLossy] on plain Go.
//
// Bug: a select with a value and quit both ready may pick quit and drop
// the value. [CollectPlain] drains in before it returns.
func CollectPlainLossy(in <-chan int, quit <-chan struct{}) []int {
	var got []int
	for {
		select {
		case v := <-in:
			got = append(got, v)
		case <-quit:
			return got
		}
	}
}

// CollectPlain is [CollectPlainLossy] fixed.
func CollectPlain(in <-chan int, quit <-chan struct{}) []int {
	var got []int
	for {
		select {
		case v := <-in:
			got = append(got, v)
		case <-quit:
			for {
				select {
				case v := <-in:
					got = append(got, v)
				default:
					return got
				}
			}
		}
	}
}
