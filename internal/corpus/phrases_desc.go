package corpus

// Suspect and vehicle description domains. say holds the forms used in
// running text, short the forms officers type into the description field.
// Variants within one trait are what different victims would call the
// same thing ("grey" for "silver", "IC3" for "black").

var ethnicities = mk([]trait{
	{key: "IC1", w: 40, say: []string{"white", "white British", "white European", "white"}, short: []string{"IC1", "white", "IC1"}},
	{key: "IC2", w: 8, say: []string{"Mediterranean looking", "olive skinned", "dark European", "Eastern European looking"}, short: []string{"IC2", "Mediterranean"}},
	{key: "IC3", w: 20, say: []string{"black", "black", "dark skinned black", "black British"}, short: []string{"IC3", "black"}},
	{key: "IC4", w: 15, say: []string{"Asian", "South Asian", "of Asian appearance", "Indian or Pakistani looking"}, short: []string{"IC4", "Asian"}},
	{key: "IC5", w: 3, say: []string{"Chinese looking", "East Asian", "Oriental looking"}, short: []string{"IC5", "East Asian"}},
	{key: "IC6", w: 6, say: []string{"Arab looking", "Middle Eastern", "North African looking"}, short: []string{"IC6", "Middle Eastern"}},
	{key: "mixed", w: 8, say: []string{"mixed race", "light skinned", "mixed race, light skinned"}, short: []string{"mixed race", "IC3 (light skinned)"}},
})

var builds = mk([]trait{
	{key: "slim", w: 10, say: []string{"slim build", "skinny", "thin build", "slight build"}, short: []string{"slim", "slim build", "thin"}},
	{key: "medium", w: 12, say: []string{"medium build", "average build", "normal build"}, short: []string{"med build", "average build"}},
	{key: "stocky", w: 6, say: []string{"stocky build", "heavy set", "stocky", "thick set"}, short: []string{"stocky", "heavy set"}},
	{key: "athletic", w: 5, say: []string{"athletic build", "muscular", "well built", "looked like he went to the gym"}, short: []string{"athletic", "muscular"}},
	{key: "large", w: 5, say: []string{"large build", "overweight", "big with a large belly", "fat"}, short: []string{"large build", "overweight"}},
})

var hairs = mk([]trait{
	{key: "short_dark", w: 12, say: []string{"short dark hair", "short black hair", "dark cropped hair"}, short: []string{"short dark hair"}},
	{key: "shaved", w: 8, say: []string{"a shaved head", "a skinhead haircut", "very short shaved hair", "a number one haircut"}, short: []string{"shaved head"}},
	{key: "bald", w: 4, say: []string{"a bald head", "a balding head", "a receding hairline"}, short: []string{"bald", "balding"}},
	{key: "grey", w: 3, say: []string{"grey hair", "greying hair", "salt and pepper hair"}, short: []string{"grey hair"}},
	{key: "curly", w: 3, say: []string{"curly black hair", "an afro", "short curly hair"}, short: []string{"curly hair"}},
	{key: "dreads", w: 2, say: []string{"dreadlocks", "long dreads tied back", "locs"}, short: []string{"dreadlocks"}},
	{key: "ginger", w: 1, say: []string{"ginger hair", "red hair", "gingery hair"}, short: []string{"ginger hair"}},
	{key: "blond", w: 2, say: []string{"blond hair", "fair hair", "light brown hair"}, short: []string{"blond hair"}},
	{key: "long_dark", w: 2, say: []string{"longish dark hair", "shoulder length dark hair", "hair in a man bun"}, short: []string{"long dark hair"}},
	{key: "fade", w: 4, say: []string{"a skin fade", "short fade haircut", "faded sides and longer on top"}, short: []string{"fade haircut"}},
})

var facials = mk([]trait{
	{key: "clean", w: 10, say: []string{"clean shaven", "no facial hair"}, short: []string{"clean shaven"}},
	{key: "stubble", w: 8, say: []string{"stubble", "a few days' stubble", "unshaven"}, short: []string{"stubble"}},
	{key: "beard", w: 7, say: []string{"a beard", "a full beard", "a thick dark beard", "a long beard"}, short: []string{"beard"}},
	{key: "tash", w: 2, say: []string{"a moustache", "a thin moustache", "a tash"}, short: []string{"moustache"}},
	{key: "goatee", w: 2, say: []string{"a goatee", "a small goatee beard"}, short: []string{"goatee"}},
})

var clothings = mk([]trait{
	{key: "black_puffer", w: 10, say: []string{"a black puffer jacket", "a black North Face puffer", "a dark padded coat", "a black puffa jacket"}, short: []string{"black puffer jkt", "black puffer"}},
	{key: "grey_tracksuit", w: 8, say: []string{"a grey tracksuit", "grey joggers and a grey top", "a grey Nike tracksuit", "grey trackies"}, short: []string{"grey tracksuit", "grey joggers"}},
	{key: "dark_hoodie", w: 10, say: []string{"a dark hoodie", "a black hooded top", "a navy hoodie", "a dark coloured hoody"}, short: []string{"dark hoodie", "black hoody"}},
	{key: "hi_vis", w: 2, say: []string{"a hi-vis jacket", "a yellow high visibility vest", "an orange hi vis top like a workman"}, short: []string{"hi-vis jacket"}},
	{key: "suit", w: 3, say: []string{"a dark suit", "a suit and tie", "smart office clothes", "a grey suit with no tie"}, short: []string{"dark suit"}},
	{key: "cap", w: 6, say: []string{"a baseball cap", "a black cap", "a Nike cap", "a dark peaked cap"}, short: []string{"baseball cap", "black cap"}},
	{key: "beanie", w: 5, say: []string{"a beanie hat", "a black woolly hat", "a dark beanie"}, short: []string{"beanie"}},
	{key: "white_trainers", w: 6, say: []string{"white trainers", "white Air Force 1s", "bright white trainers"}, short: []string{"white trainers"}},
	{key: "football_shirt", w: 2, say: []string{"an Arsenal shirt", "a football shirt", "a red football top"}, short: []string{"football shirt"}},
	{key: "camo", w: 1, say: []string{"camouflage trousers", "army style combat trousers", "camo jacket"}, short: []string{"camo trousers"}},
	{key: "leather_jacket", w: 2, say: []string{"a brown leather jacket", "a leather jacket", "a tan leather bomber"}, short: []string{"leather jacket"}},
	{key: "delivery_jacket", w: 1, say: []string{"a delivery rider's jacket", "a Deliveroo style jacket", "a courier jacket with a logo"}, short: []string{"delivery jacket"}},
	{key: "jeans", w: 8, say: []string{"blue jeans", "dark jeans", "light blue denim jeans"}, short: []string{"jeans", "blue jeans"}},
	{key: "backpack", w: 3, say: []string{"a black rucksack", "a backpack", "a large sports bag"}, short: []string{"rucksack"}},
	{key: "long_coat", w: 2, say: []string{"a long dark coat", "a long black overcoat", "a knee length coat"}, short: []string{"long dark coat"}},
	{key: "gilet", w: 1, say: []string{"a green gilet", "a khaki body warmer"}, short: []string{"green gilet"}},
})

var accents = mk([]trait{
	{key: "london", w: 14, say: []string{"spoke with a London accent", "had a local London accent", "sounded like he was from London"}, short: []string{"London accent"}},
	{key: "irish", w: 2, say: []string{"spoke with an Irish accent", "had an Irish accent", "sounded Irish"}, short: []string{"Irish accent"}},
	{key: "scottish", w: 1, say: []string{"spoke with a Scottish accent", "had a strong Scottish accent"}, short: []string{"Scottish accent"}},
	{key: "east_euro", w: 4, say: []string{"spoke with an Eastern European accent", "had a Polish or Romanian sounding accent", "had a foreign, possibly Eastern European, accent"}, short: []string{"E. European accent"}},
	{key: "foreign", w: 5, say: []string{"spoke with a foreign accent", "had an accent IP could not place", "spoke broken English"}, short: []string{"foreign accent"}},
	{key: "african", w: 2, say: []string{"spoke with an African accent", "had a West African accent"}, short: []string{"African accent"}},
	{key: "northern", w: 1, say: []string{"had a northern accent", "sounded like he was from up north"}, short: []string{"northern accent"}},
	{key: "posh", w: 1, say: []string{"was well spoken", "had a posh accent", "spoke very properly"}, short: []string{"well spoken"}},
})

// marks are the rare, distinctive features: the ones that link.
var marks = mk([]trait{
	{key: "spiderweb_tattoo", w: 1, say: []string{"had a spider web tattoo on his neck", "had a tattoo of a spider's web on the side of his neck", "had a cobweb tattoo on his neck"}, short: []string{"spider web tattoo on neck", "web tattoo neck"}},
	{key: "lisp", w: 1, say: []string{"spoke with a lisp", "had a noticeable lisp", "had a lisp when he spoke"}, short: []string{"lisp"}},
	{key: "aftershave", w: 2, say: []string{"smelled strongly of aftershave", "had a strong smell of aftershave", "was wearing a lot of cologne"}, short: []string{"strong aftershave"}},
	{key: "gold_tooth", w: 1, say: []string{"had a gold tooth", "had a gold front tooth", "had a gold cap on one of his front teeth"}, short: []string{"gold tooth"}},
	{key: "limp", w: 1, say: []string{"walked with a limp", "had a limp", "was limping slightly"}, short: []string{"limp"}},
	{key: "eyebrow_scar", w: 1, say: []string{"had a scar on his eyebrow", "had a scar through his left eyebrow", "had a cut in his eyebrow that looked like a scar"}, short: []string{"scar on eyebrow"}},
	{key: "glasses", w: 3, say: []string{"wore glasses", "had thick rimmed glasses", "was wearing black framed glasses", "had specs on"}, short: []string{"glasses"}},
	{key: "teardrop", w: 1, say: []string{"had a teardrop tattoo under his eye", "had a small tattoo by his eye"}, short: []string{"teardrop tattoo"}},
	{key: "hand_tattoo", w: 2, say: []string{"had tattoos on his hands", "had letters tattooed on his knuckles", "had a tattoo on the back of his hand"}, short: []string{"hand tattoos"}},
	{key: "stutter", w: 1, say: []string{"had a stutter", "stammered when he spoke"}, short: []string{"stutter"}},
	{key: "missing_tooth", w: 1, say: []string{"had a missing front tooth", "had a gap where a front tooth should be"}, short: []string{"missing front tooth"}},
	{key: "birthmark", w: 1, say: []string{"had a birthmark on his cheek", "had a dark mark on his face like a birthmark"}, short: []string{"birthmark on cheek"}},
	{key: "eyebrow_piercing", w: 1, say: []string{"had his eyebrow pierced", "had a piercing in his eyebrow"}, short: []string{"eyebrow piercing"}},
	{key: "gold_chain", w: 2, say: []string{"wore a thick gold chain", "had a big gold chain round his neck"}, short: []string{"gold chain"}},
	{key: "crucifix", w: 1, say: []string{"wore a crucifix necklace", "had a cross on a chain"}, short: []string{"crucifix"}},
	{key: "cannabis_smell", w: 3, say: []string{"smelt strongly of cannabis", "smelled of weed"}, short: []string{"smell of cannabis"}},
	{key: "alcohol_smell", w: 4, say: []string{"smelt of alcohol", "appeared drunk", "was slurring and seemed intoxicated"}, short: []string{"smelt of alcohol"}},
	{key: "squint", w: 1, say: []string{"had a lazy eye", "had a squint in one eye"}, short: []string{"lazy eye"}},
	{key: "burn_scar", w: 1, say: []string{"had a burn scar on his hand", "had scarring on the back of his right hand like an old burn"}, short: []string{"burn scar on hand"}},
	{key: "earring", w: 2, say: []string{"had a diamond stud earring", "wore a gold hoop earring in one ear"}, short: []string{"earring"}},
	{key: "braces", w: 1, say: []string{"had braces on his teeth", "wore a brace on his teeth"}, short: []string{"braces on teeth"}},
	{key: "finger_missing", w: 1, say: []string{"was missing part of a finger on his left hand", "had a finger missing"}, short: []string{"missing finger"}},
})

// colours of vehicles, with what different witnesses call the same one.
var colours = mk([]trait{
	{key: "silver", w: 8, say: []string{"silver", "grey", "silver", "light grey", "silver/grey"}},
	{key: "black", w: 8, say: []string{"black", "dark", "black", "dark coloured"}},
	{key: "white", w: 6, say: []string{"white", "white", "cream", "light coloured"}},
	{key: "blue", w: 4, say: []string{"blue", "dark blue", "navy", "blue"}},
	{key: "red", w: 2, say: []string{"red", "maroon", "dark red", "burgundy"}},
	{key: "green", w: 1, say: []string{"dark green", "green", "racing green"}},
})

// vehicles: make and model, with the looser words a witness might use.
var vehicles = mk([]trait{
	{key: "prius", w: 6, say: []string{"Toyota Prius", "Prius", "Toyota hybrid", "Prius type car"}},
	{key: "mercedes_c", w: 3, say: []string{"Mercedes C Class", "Mercedes saloon", "Merc"}},
	{key: "bmw_3", w: 3, say: []string{"BMW 3 series", "BMW", "BMW saloon"}},
	{key: "golf", w: 3, say: []string{"VW Golf", "Volkswagen Golf", "Golf hatchback"}},
	{key: "corsa", w: 2, say: []string{"Vauxhall Corsa", "Corsa", "small Vauxhall"}},
	{key: "transit", w: 3, say: []string{"Ford Transit van", "Transit van", "panel van"}},
	{key: "focus", w: 2, say: []string{"Ford Focus", "Focus hatchback"}},
	{key: "audi_a3", w: 2, say: []string{"Audi A3", "Audi hatchback", "Audi"}},
	{key: "qashqai", w: 2, say: []string{"Nissan Qashqai", "Qashqai", "small SUV"}},
	{key: "range_rover", w: 1, say: []string{"Range Rover Evoque", "Range Rover", "4x4"}},
	{key: "fiesta", w: 2, say: []string{"Ford Fiesta", "Fiesta"}},
	{key: "corolla", w: 2, say: []string{"Toyota Corolla", "Corolla estate"}},
	{key: "vito", w: 1, say: []string{"Mercedes Vito van", "Mercedes van"}},
	{key: "passat", w: 1, say: []string{"VW Passat", "Passat estate"}},
})

var roads = []string{
	"High Street", "Station Road", "Church Road", "London Road", "Park Road", "the High Road",
	"Victoria Road", "Green Lane", "Manor Road", "King Street", "Queens Road", "Mill Lane",
	"the Broadway", "Albert Road", "Grove Road", "New Road", "Kings Road", "Stanley Road",
	"Richmond Road", "York Road", "Elm Grove", "Cedar Avenue", "Chestnut Road", "Springfield Road",
	"Northcote Road", "Lordship Lane", "Coldharbour Lane", "Holloway Road", "Kingsland Road", "Romford Road",
	"the A13", "Whitechapel Road", "Uxbridge Road", "Streatham High Road", "Old Kent Road", "Seven Sisters Road",
	"Green Street", "Walworth Road", "Harrow Road", "Fore Street", "Brixton Road", "Hoe Street",
}

var clubs = []string{
	"a nightclub on {road}", "a bar on {road}", "the pub on {road}", "a club in {area}",
	"a bar near {stn} station", "a late night bar", "the club near the station", "a rooftop bar",
	"a pub in {area}", "a student night at a club on {road}",
}

var shops = []string{
	"Tesco", "Sainsbury's", "Lidl", "Aldi", "the Co-op", "Asda", "the corner shop", "Iceland",
	"the chicken shop", "the off licence", "the shopping centre", "Primark", "the big Tesco", "Boots",
}

var apps = []string{"Tinder", "Hinge", "Bumble", "a dating app", "Plenty of Fish", "Instagram", "Snapchat"}

var unis = []string{"the university", "UCL", "King's", "the uni", "Queen Mary", "the college", "Goldsmiths", "Westminster uni", "the campus"}

var estates = []string{
	"estate", "council estate", "flats behind the parade", "block of flats", "estate off {road}",
	"housing estate", "tower block", "alleyways of the estate",
}

var busRoutes = []string{
	"N29", "36", "N136", "73", "38", "N38", "25", "N25", "149", "243", "N155", "12", "N5",
	"159", "18", "N18", "207", "N207", "W7", "W15", "P13", "86", "N86", "176", "68", "N68",
	"185", "196", "55", "N55", "253", "279", "N279", "341", "29", "N2", "2", "3", "N3", "137",
}

var directions = []string{"northbound", "southbound", "eastbound", "westbound", "north", "south", "towards the main road", "in the direction of the shops"}
