package domain

// Transition is one allowed move of a state machine, named by its action.
type Transition[S ~string] struct {
	Action string
	From   []S
	To     S
}

// Machine is a table of allowed transitions; everything not in it is
// refused. Workflows (applications, plans, classes, records) declare one.
type Machine[S ~string] []Transition[S]

// Next returns the state that action leads to from s, or false when the
// move is not allowed.
func (m Machine[S]) Next(s S, action string) (S, bool) {
	for _, t := range m {
		if t.Action != action {
			continue
		}
		for _, f := range t.From {
			if f == s {
				return t.To, true
			}
		}
	}
	var zero S
	return zero, false
}

// ApplicationMachine is the role application's workflow (SPEC §5.1):
// draft → submitted → approved | returned; returned → submitted.
var ApplicationMachine = Machine[ApplicationStatus]{
	{Action: "submit", From: []ApplicationStatus{ApplicationDraft, ApplicationReturned}, To: ApplicationSubmitted},
	{Action: "approve", From: []ApplicationStatus{ApplicationSubmitted}, To: ApplicationApproved},
	{Action: "return", From: []ApplicationStatus{ApplicationSubmitted}, To: ApplicationReturned},
}

// Editable reports whether the unit still holds its application (it may
// save it and change its attachments).
func (s ApplicationStatus) Editable() bool {
	return s == ApplicationDraft || s == ApplicationReturned
}
