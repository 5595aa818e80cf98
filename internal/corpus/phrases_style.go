package corpus

// style is one officer's way of writing a report: who "the victim" and
// "the suspect" are called, how long the account runs, how many admin
// lines follow it, and whether it is abbreviated.
type style struct {
	victim     []string // first mention
	victimNext []string
	susp       []string
	suspNext   []string
	openers    []string // {V} victim, {D} date, {T} time, {A} target activity
	descIntro  []string
	terse      bool // abbreviations, short description line
	verbose    bool // context, age of the victim, more admin
	admin      [2]int
}

var styles = []struct {
	w float64
	s style
}{
	{0.35, style{
		victim:     []string{"IP", "IP", "VIC", "INJ PTY"},
		victimNext: []string{"IP", "she", "IP"},
		susp:       []string{"SUSP", "SUSP", "suspect", "male", "unknown male"},
		suspNext:   []string{"SUSP", "he", "susp"},
		openers: []string{
			"{V} states on {D} approx {T} she {A}.",
			"On {D} at {T} {V} {A}.",
			"{D} {T} - {V} {A}.",
			"{V} states that approx {T} on {D} she {A}.",
			"IP reports that on {D} at approx {T} she {A}.",
		},
		descIntro: []string{"SUSP desc: ", "Susp: ", "DESC: ", "Suspect descr - "},
		terse:     true,
		admin:     [2]int{1, 3},
	}},
	{0.42, style{
		victim:     []string{"the victim", "IP", "the victim", "the complainant"},
		victimNext: []string{"she", "the victim", "IP"},
		susp:       []string{"the suspect", "a male", "an unknown male", "the suspect"},
		suspNext:   []string{"he", "the suspect", "the male"},
		openers: []string{
			"{V} states that on {D} at approximately {T} she {A}.",
			"On {D} at around {T} {V} {A}.",
			"{V} has reported that at about {T} on {D} she {A}.",
			"{V} states that she {A} at approximately {T} on {D}.",
			"At approximately {T} on {D}, {V} {A}.",
		},
		descIntro: []string{"IP describes the suspect as ", "The suspect is described as ", "She described him as ", "Description of the suspect: "},
		admin:     [2]int{1, 3},
	}},
	{0.23, style{
		victim:     []string{"the victim", "the injured party", "the victim (IP)", "the aggrieved"},
		victimNext: []string{"the victim", "she", "IP"},
		susp:       []string{"the suspect", "an unknown male suspect", "the male suspect", "the suspect (SUSP)"},
		suspNext:   []string{"the suspect", "he", "the male"},
		openers: []string{
			"On {D} at approximately {T}, {V} {A}.",
			"This is a report of a {O}. On {D} at approximately {T} {V} {A}.",
			"Police were called by {V} who states that on {D} at approximately {T} she {A}.",
			"{V} attended the front counter to report that on {D} at approximately {T} she {A}.",
		},
		descIntro: []string{"The suspect is described as follows: ", "The victim has provided the following description: ", "She describes the suspect as "},
		verbose:   true,
		admin:     [2]int{2, 5},
	}},
}

var offenceWords = map[string][]string{
	"sexual_assault":    {"sexual assault", "sexual assault by touching", "sexual assault on a female"},
	"rape":              {"rape", "rape of a female over 16", "serious sexual offence"},
	"indecent_exposure": {"indecent exposure", "exposure", "indecent exposure (flashing)"},
	"voyeurism":         {"voyeurism", "voyeurism (upskirting)", "voyeurism offence"},
	"stalking":          {"stalking", "stalking involving fear of violence", "stalking offence"},
	"harassment":        {"harassment", "sexual harassment", "harassment offence"},
	"attempted_kidnap":  {"attempted kidnap", "attempted abduction", "attempt kidnap"},
	"robbery":           {"robbery", "robbery of personal property", "street robbery"},
	"other":             {"suspicious incident", "public order offence", "suspicious approach"},
}

// Negated statements: the useful traps for a keyword search that ignores
// "no" and "not".
var (
	negWeapon   = []string{"No weapon was seen.", "IP did not see any weapon.", "No weapons seen or implied.", "IP did not see a knife.", "No weapon was used."}
	negForce    = []string{"SUSP did not use force.", "No force was used.", "He did not touch her.", "There was no physical contact."}
	negVehicle  = []string{"IP did not see a vehicle.", "No vehicle was seen.", "IP did not see how he arrived or left.", "No veh seen."}
	negSpoke    = []string{"SUSP did not say anything.", "He did not speak to her.", "No conversation took place.", "He said nothing throughout."}
	negFace     = []string{"IP could not see his face.", "IP did not get a good look at him.", "IP would not be able to identify him.", "She did not see his face properly as it was dark.", "IP states she only saw him from behind."}
	negInjury   = []string{"IP is not injured.", "No injuries.", "IP did not sustain any injuries.", "No visible injuries."}
	negDesc     = []string{"No further description.", "IP unable to give any further description.", "Desc n/k.", "No description available."}
	negWitness  = []string{"There were no witnesses.", "No witnesses identified.", "Nobody else was around at the time."}
	injuryByKey = map[string][]string{
		"grabbed_wrist": {"IP c/o pain to her wrist.", "IP has bruising to her arm.", "She has red marks on her wrist."},
		"pushed_ground": {"IP has grazes to her knees and hands.", "IP c/o pain to her back from the fall."},
		"arm_neck":      {"IP c/o pain to her neck.", "IP has redness around her neck."},
		"pinned_wall":   {"IP c/o pain to her shoulder.", "IP has a graze to her back."},
		"grabbed_hair":  {"IP c/o pain to her scalp.", "IP c/o headache."},
		"dragged":       {"IP has scratches to her legs.", "IP's clothing was torn."},
	}
)

// Admin lines that close a report, by what they concern.
var (
	adminCommon = []string{
		"CCTV enquiries to be conducted.", "CCTV trawl to be completed by OIC.", "H2H enquiries conducted, negative.",
		"No witnesses identified at this time.", "IP was visibly upset when speaking to police.", "Risk assessment completed - standard.",
		"Intel report submitted.", "Suspect outstanding.", "Scene was not preserved.", "IP has been provided with a crime reference number.",
		"Victim care letter sent.", "Area search conducted with negative result.", "OIC to review and update IP.", "Local SNT informed.",
		"PNC and PND checks conducted, nil trace.", "Investigation to continue.", "IP was given safety advice.", "Allocated to the investigating unit.",
		"IP was spoken to by officers at the scene.", "Officers attended within 12 minutes.", "CAD ref on file.", "Enquiries ongoing.",
	}
	adminSexual = []string{
		"IP has been referred to the Haven.", "IP declined a forensic medical examination.", "Early evidence kit taken.",
		"IP supported by an ISVA.", "IP does not wish to provide an ABE at this time.", "SOIT officer deployed.",
		"Clothing seized as exhibits.", "IP agreed to an ABE interview.", "Forensic strategy discussed with DS.",
	}
	adminTransport = []string{"BTP informed.", "TfL CCTV request submitted.", "Bus operator contacted for on-board CCTV.", "Oyster/contactless data requested."}
	adminVehicle   = []string{"ANPR enquiries to be conducted.", "Partial VRM circulated.", "PNC checks on partial VRM ongoing.", "TfL private hire enquiries to be made."}
	adminDelay     = []string{
		"IP did not report at the time as she was scared nobody would believe her.",
		"IP reported after seeing a social media appeal.", "Third party report made by IP's friend.",
		"IP only disclosed the incident to her mother a few days later.", "Reported online by IP.",
	}
	adminVerboseLead = []string{
		"The victim was spoken to at her home address and an initial account obtained.",
		"Officers attended and took an initial account from the victim.",
		"The victim was calm but clearly shaken when giving her account.",
		"The victim called police on 999 shortly after the incident.",
	}
)

// abbreviations some officers use, applied word by word.
var abbreviations = map[string]string{
	"approximately": "approx", "station": "stn", "towards": "twds", "with": "w/", "suspect": "susp",
	"unknown": "n/k", "jacket": "jkt", "hours": "hrs", "direction": "dirn", "vehicle": "veh",
	"description": "desc", "because": "b/c", "Road": "Rd", "Street": "St", "and": "&", "about": "abt",
	"information": "info", "officers": "offrs", "enquiries": "enqs", "between": "btwn", "conducted": "done",
}
