package domain

import "time"

// ChinaTime is the zone of every calendar rule (the year of a
// requirement, "no later than today") and of every time shown to an
// operator. A fixed offset, because China has no daylight saving time and
// the binary need not ship the tz database.
var ChinaTime = time.FixedZone("CST", 8*60*60)
