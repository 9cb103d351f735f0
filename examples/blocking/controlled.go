package blocking

import "github.com/interleave-go/interleave/sched"

// FetchLeaky runs work in a goroutine and returns its result, or ok false
// if cancel is closed first.
//
// Bug: the result channel is unbuffered, so when cancel wins the worker
// blocks forever on its send, with nobody left to receive. [Fetch] gives
// the channel room for the one result.
func FetchLeaky(cancel sched.Chan[struct{}], work func() int) (v int, ok bool) {
	res := sched.MakeChan[int](0)
	sched.Go(func() { res.Send(work()) })
	switch sched.Select(false, res.RecvCase(&v, nil), cancel.RecvCase(nil, nil)) {
	case 0:
		return v, true
	default:
		return 0, false
	}
}

// Fetch is [FetchLeaky] fixed: the worker can always send, and exits.
func Fetch(cancel sched.Chan[struct{}], work func() int) (v int, ok bool) {
	res := sched.MakeChan[int](1)
	sched.Go(func() { res.Send(work()) })
	switch sched.Select(false, res.RecvCase(&v, nil), cancel.RecvCase(nil, nil)) {
	case 0:
		return v, true
	default:
		return 0, false
	}
}

// SumAddInside returns the sum of the squares of xs, each squared in a
// goroutine of its own.
//
// Bug: each goroutine calls wg.Add itself, so Wait may find the counter
// at zero before any of them has started, and the sum is returned
// incomplete. [Sum] calls Add before the go statement.
func SumAddInside(xs []int) int {
	var wg sched.WaitGroup
	var mu sched.Mutex
	total := 0
	for _, x := range xs {
		sched.Go(func() {
			wg.Add(1)
			defer wg.Done()
			mu.Lock()
			total += x * x
			mu.Unlock()
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}

// Sum is [SumAddInside] fixed.
func Sum(xs []int) int {
	var wg sched.WaitGroup
	var mu sched.Mutex
	total := 0
	for _, x := range xs {
		wg.Add(1)
		sched.Go(func() {
			defer wg.Done()
			mu.Lock()
			total += x * x
			mu.Unlock()
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return total
}

// Account is a balance behind a lock, with an ID that orders the locks.
type Account struct {
	ID      int
	mu      sched.Mutex
	balance int
}

// NewAccount returns an account with a balance.
func NewAccount(id, balance int) *Account { return &Account{ID: id, balance: balance} }

// Balance returns the balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// TransferInverted moves n from one account to another.
//
// Bug: it locks the source first, so two transfers in opposite
// directions each hold the lock the other waits for. [Transfer] takes the
// locks in the order of the accounts' IDs.
func TransferInverted(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

// Transfer is [TransferInverted] fixed.
func Transfer(from, to *Account, n int) {
	first, second := from, to
	if second.ID < first.ID {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= n
	to.balance += n
}

// Gate lets goroutines wait until it is opened. The zero Gate is closed.
type Gate struct {
	mu   sched.Mutex
	cond *sched.Cond
	open bool
}

// NewGate returns a closed gate.
func NewGate() *Gate {
	g := &Gate{}
	g.cond = sched.NewCond(&g.mu)
	return g
}

// Wait waits until the gate is open.
func (g *Gate) Wait() {
	g.mu.Lock()
	for !g.open {
		g.cond.Wait()
	}
	g.mu.Unlock()
}

// OpenUnlocked opens the gate.
//
// Bug: it sets the flag and signals without holding the lock, so the
// signal can come between a waiter's check of the flag and its Wait, and
// is lost: the waiter sleeps forever. [Gate.Open] changes the flag under
// the lock.
func (g *Gate) OpenUnlocked() {
	g.open = true
	g.cond.Broadcast()
}

// Open is [Gate.OpenUnlocked] fixed.
func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	g.cond.Broadcast()
}

// CollectLossy receives values from in until quit is closed, and returns
// them. The sender closes quit after its last send.
//
// Bug: when a value and quit are both ready, select picks either, and a
// value still in the buffer is dropped. [Collect] drains in before it
// returns.
func CollectLossy(in sched.Chan[int], quit sched.Chan[struct{}]) []int {
	var got []int
	for {
		var v int
		switch sched.Select(false, in.RecvCase(&v, nil), quit.RecvCase(nil, nil)) {
		case 0:
			got = append(got, v)
		case 1:
			return got
		}
	}
}

// Collect is [CollectLossy] fixed.
func Collect(in sched.Chan[int], quit sched.Chan[struct{}]) []int {
	var got []int
	for {
		var v int
		switch sched.Select(false, in.RecvCase(&v, nil), quit.RecvCase(nil, nil)) {
		case 0:
			got = append(got, v)
		case 1:
			for sched.Select(true, in.RecvCase(&v, nil)) == 0 {
				got = append(got, v)
			}
			return got
		}
	}
}
