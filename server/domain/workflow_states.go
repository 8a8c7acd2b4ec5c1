package domain

// Record sources (SPEC §5.6): who declared a continuing-education record.
type RecordSource string

const (
	SourceUnit        RecordSource = "unit"        // 继续教育记录申报 by the unit: draft → effective
	SourcePerson      RecordSource = "person"      // the person's own 学时申报: reviewed by the unit
	SourceInstitution RecordSource = "institution" // a 施教机构's 学时申报: reviewed by the unit
	SourceClass       RecordSource = "class"       // credited when a class closes
	SourceImport      RecordSource = "import"      // 继续教育记录批量申报 (effective at 入库)
)

// Label is the source's Chinese name.
func (s RecordSource) Label() string {
	switch s {
	case SourceUnit:
		return "单位申报"
	case SourcePerson:
		return "个人申报"
	case SourceInstitution:
		return "机构申报"
	case SourceClass:
		return "培训班"
	case SourceImport:
		return "批量申报"
	}
	return string(s)
}

// RecordStatus is a record's state; only effective records count.
type RecordStatus string

const (
	RecordDraft     RecordStatus = "draft"
	RecordSubmitted RecordStatus = "submitted"
	RecordEffective RecordStatus = "effective"
	RecordRejected  RecordStatus = "rejected" // 不同意并结案: final
	RecordReturned  RecordStatus = "returned" // 不同意并退案: back to the submitter
)

// Label is the status's Chinese name.
func (s RecordStatus) Label() string {
	switch s {
	case RecordDraft:
		return "草稿"
	case RecordSubmitted:
		return "待认定"
	case RecordEffective:
		return "已生效"
	case RecordRejected:
		return "不同意并结案"
	case RecordReturned:
		return "已退回"
	}
	return string(s)
}

// Record categories (dictionary "category").
const (
	CategoryPublic       = "public"       // 公需科目
	CategoryProfessional = "professional" // 专业科目
	CategoryElective     = "elective"     // 选修科目
)

// UnitRecordMachine: a unit's own declaration is confirmed directly.
var UnitRecordMachine = Machine[RecordStatus]{
	{Action: "confirm", From: []RecordStatus{RecordDraft}, To: RecordEffective},
}

// SubmittedRecordMachine: person and institution declarations are
// reviewed by the person's unit.
var SubmittedRecordMachine = Machine[RecordStatus]{
	{Action: "submit", From: []RecordStatus{RecordDraft, RecordReturned}, To: RecordSubmitted},
	{Action: "approve", From: []RecordStatus{RecordSubmitted}, To: RecordEffective},
	{Action: "reject", From: []RecordStatus{RecordSubmitted}, To: RecordRejected},
	{Action: "return", From: []RecordStatus{RecordSubmitted}, To: RecordReturned},
}

// PlanStatus is a course plan's state (SPEC §5.4).
type PlanStatus string

const (
	PlanDraft     PlanStatus = "draft"
	PlanSubmitted PlanStatus = "submitted"
	PlanApproved  PlanStatus = "approved"
	PlanReturned  PlanStatus = "returned" // 不同意并退案
	PlanRejected  PlanStatus = "rejected" // 不同意并结案
)

// Label is the status's Chinese name.
func (s PlanStatus) Label() string {
	switch s {
	case PlanDraft:
		return "草稿"
	case PlanSubmitted:
		return "已送审"
	case PlanApproved:
		return "已通过"
	case PlanReturned:
		return "已退回"
	case PlanRejected:
		return "不同意并结案"
	}
	return string(s)
}

// Editable reports whether the unit may still change the plan.
func (s PlanStatus) Editable() bool { return s == PlanDraft || s == PlanReturned }

// PlanMachine: draft → submitted → approved | returned | rejected;
// returned → submitted.
var PlanMachine = Machine[PlanStatus]{
	{Action: "submit", From: []PlanStatus{PlanDraft, PlanReturned}, To: PlanSubmitted},
	{Action: "approve", From: []PlanStatus{PlanSubmitted}, To: PlanApproved},
	{Action: "return", From: []PlanStatus{PlanSubmitted}, To: PlanReturned},
	{Action: "reject", From: []PlanStatus{PlanSubmitted}, To: PlanRejected},
}

// ClassStatus is a training class's state (SPEC §5.5).
type ClassStatus string

const (
	ClassPending   ClassStatus = "pending" // 未开班
	ClassOpen      ClassStatus = "open"    // 开班
	ClassClosed    ClassStatus = "closed"  // 结班
	ClassCancelled ClassStatus = "cancelled"
)

// Label is the status's Chinese name.
func (s ClassStatus) Label() string {
	switch s {
	case ClassPending:
		return "未开班"
	case ClassOpen:
		return "已开班"
	case ClassClosed:
		return "已结班"
	case ClassCancelled:
		return "已取消"
	}
	return string(s)
}

// ClassMachine: pending → open → closed; pending | open → cancelled.
var ClassMachine = Machine[ClassStatus]{
	{Action: "open", From: []ClassStatus{ClassPending}, To: ClassOpen},
	{Action: "close", From: []ClassStatus{ClassOpen}, To: ClassClosed},
	{Action: "cancel", From: []ClassStatus{ClassPending, ClassOpen}, To: ClassCancelled},
}
