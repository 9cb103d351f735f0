package sched

// Once performs exactly one action, like sync.Once. It is made of a
// [Uint32] and a [Mutex], so in a controlled run Do is a scheduling point
// and a goroutine waiting for another's f to finish is not runnable (a Do
// that calls Do on the same Once deadlocks, and the run says so). The zero
// value is ready to use. It must not be copied after first use.
type Once struct {
	_    noCopy
	done Uint32
	m    Mutex
}

// Do calls f if and only if Do is being called for the first time for
// this Once; no call to Do returns until the one call to f has returned.
// If f panics, Do considers it to have returned.
func (o *Once) Do(f func()) {
	if o.done.Load() == 0 {
		o.doSlow(f)
	}
}

func (o *Once) doSlow(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if o.done.Load() == 0 {
		defer o.done.Store(1)
		f()
	}
}

// OnceFunc returns a function that invokes f only once, like
// sync.OnceFunc. The returned function may be called concurrently. If f
// panics, the returned function panics with the same value on every call.
func OnceFunc(f func()) func() {
	call := OnceValues(func() (struct{}, struct{}) {
		f()
		return struct{}{}, struct{}{}
	})
	return func() { call() }
}

// OnceValue returns a function that invokes f only once and returns the
// value returned by f, like sync.OnceValue. The returned function may be
// called concurrently. If f panics, the returned function panics with the
// same value on every call.
func OnceValue[T any](f func() T) func() T {
	call := OnceValues(func() (T, struct{}) { return f(), struct{}{} })
	return func() T {
		r, _ := call()
		return r
	}
}

// OnceValues returns a function that invokes f only once and returns the
// values returned by f, like sync.OnceValues. The returned function may
// be called concurrently. If f panics, the returned function panics with
// the same value on every call.
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	d := struct {
		f     func() (T1, T2)
		once  Once
		valid bool
		p     any
		r1    T1
		r2    T2
	}{f: f}
	return func() (T1, T2) {
		d.once.Do(func() {
			defer func() {
				d.f = nil // do not keep f alive after invoking it
				d.p = recover()
				if !d.valid {
					panic(d.p) // re-panic at once: the first caller gets f's stack
				}
			}()
			d.r1, d.r2 = d.f()
			d.valid = true // set only if f does not panic
		})
		if !d.valid {
			panic(d.p)
		}
		return d.r1, d.r2
	}
}
