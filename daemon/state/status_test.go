package state

import "testing"

func TestStatusReady(t *testing.T) {
	for s, want := range map[Status]bool{
		DefaultStatus: false, DoStatus: false, DoingStatus: false, AbortStatus: false,
		UndoStatus: false, UndoingStatus: false,
		DoneStatus: true, UndoneStatus: true, HoldStatus: true, ErrorStatus: true,
	} {
		if got := s.Ready(); got != want {
			t.Errorf("%q.Ready() = %v, want %v", s, got, want)
		}
	}
}

func TestDeriveChangeStatus(t *testing.T) {
	tests := []struct {
		tasks []Status
		want  Status
	}{
		{nil, HoldStatus},
		{[]Status{DoStatus, DoStatus}, DoStatus},
		{[]Status{DefaultStatus}, DoStatus},
		{[]Status{DoneStatus, DoStatus}, DoStatus},
		{[]Status{DoneStatus, DoingStatus, DoStatus}, DoingStatus},
		{[]Status{DoneStatus, DoneStatus}, DoneStatus},
		{[]Status{DoneStatus, HoldStatus}, DoneStatus},
		{[]Status{HoldStatus, HoldStatus}, HoldStatus},
		{[]Status{UndoneStatus, HoldStatus}, UndoneStatus},
		{[]Status{UndoneStatus, DoneStatus}, UndoneStatus},
		{[]Status{UndoneStatus, ErrorStatus, HoldStatus}, ErrorStatus},
		{[]Status{DoneStatus, ErrorStatus}, ErrorStatus},
		// Work still to come wins over any outcome.
		{[]Status{ErrorStatus, DoStatus}, DoStatus},
		{[]Status{ErrorStatus, UndoStatus, DoingStatus}, UndoStatus},
		{[]Status{UndoStatus, UndoingStatus, DoingStatus}, UndoingStatus},
		{[]Status{UndoingStatus, AbortStatus}, AbortStatus},
		{[]Status{ErrorStatus, DoneStatus, UndoingStatus}, UndoingStatus},
	}
	for _, tt := range tests {
		got := deriveChangeStatus(tt.tasks)
		if got != tt.want {
			t.Errorf("deriveChangeStatus(%v) = %q, want %q", tt.tasks, got, tt.want)
		}
		allReady := true
		for _, s := range tt.tasks {
			allReady = allReady && s.Ready()
		}
		if got.Ready() != allReady {
			t.Errorf("deriveChangeStatus(%v) = %q: ready %v but tasks ready %v", tt.tasks, got, got.Ready(), allReady)
		}
	}
}
