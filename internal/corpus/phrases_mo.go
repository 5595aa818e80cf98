package corpus

// The behaviour domains of comparative case analysis: target selection,
// approach, control, acts, verbal themes, precautions and escape. Weights
// are rough commonness so that one-off reports, drawn from the same pools,
// make "approached from behind" common and a fake parcel delivery rare.
//
// Phrasings are written in the past tense. Targets are predicates about
// the victim ("she ..."); the other domains are predicates about the
// suspect ("SUSP ..."). Placeholders in braces are filled per report:
// {road} {stn} {park} {bus} {club} {shop} {app} {area} {uni} {estate} {veh}
// {dir} {mins}.

var (
	contact    = []string{"sexual_assault", "rape", "attempted_kidnap", "robbery", "other"}
	sexual     = []string{"sexual_assault", "rape"}
	touching   = []string{"sexual_assault", "rape", "attempted_kidnap", "robbery", "harassment", "other"}
	streetLocs = []string{"street", "alleyway", "park", "car_park"}
)

var targets = mk([]trait{
	{key: "bus_stop_lone", w: 8, locs: []string{"street"}, hour: 22.5, ageMin: 17, ageMax: 45, say: []string{
		"was waiting alone at the bus stop on {road}",
		"was standing at a bus stop on {road} waiting for the {bus}",
		"was on her own at the bus stop outside {shop} on {road}",
		"was waiting for the {bus} night bus on {road}",
		"was sat in the bus shelter on {road} on her own",
	}},
	{key: "walking_home_night", w: 14, locs: []string{"street", "alleyway"}, hour: 23.5, ageMin: 18, ageMax: 55, say: []string{
		"was walking home alone along {road}",
		"was walking home from a friend's house along {road}",
		"was walking home from work on {road}",
		"was making her way home on foot along {road}",
		"was walking home from {stn} station via {road}",
		"was walking back to her address on {road}",
	}},
	{key: "jogger", w: 5, locs: []string{"park"}, hour: 7, ageMin: 18, ageMax: 50, say: []string{
		"was out jogging in {park}",
		"was running on the path through {park}",
		"was on her morning run in {park}",
		"was jogging along the footpath in {park} with headphones in",
		"was out for a run around {park}",
	}},
	{key: "leaving_club", w: 7, locs: []string{"street", "club"}, hour: 2.5, ageMin: 18, ageMax: 35, say: []string{
		"had just left {club} and was walking to get a taxi",
		"was leaving {club} after a night out with friends",
		"had become separated from her friends outside {club}",
		"was outside {club} on {road} at the end of a night out",
		"had left {club} on her own and was trying to get an Uber",
	}},
	{key: "student", w: 5, locs: []string{"street", "station"}, hour: 22, ageMin: 18, ageMax: 24, say: []string{
		"a student, was walking back to her halls of residence on {road}",
		"was walking back from {uni} to her student accommodation",
		"was walking from the {uni} campus towards {stn} station",
		"a first year student, was walking home from the library along {road}",
	}},
	{key: "train_commuter", w: 6, locs: []string{"train"}, hour: 8, ageMin: 18, ageMax: 60, say: []string{
		"was travelling on a busy train towards {stn}",
		"was standing in a crowded carriage on the train to {stn}",
		"was on her way to work on the train, standing by the doors",
		"was sat on the train between {stn} and the next station",
		"was on the tube travelling through {stn}",
	}},
	{key: "bus_passenger", w: 6, locs: []string{"bus"}, hour: 17, ageMin: 16, ageMax: 60, say: []string{
		"was sitting on the top deck of the {bus}",
		"was travelling on the {bus} bus along {road}",
		"was sat at the back of the {bus} bus",
		"was standing on the lower deck of a busy {bus} bus",
	}},
	{key: "station_escalator", w: 4, locs: []string{"station"}, hour: 18, ageMin: 16, ageMax: 50, say: []string{
		"was going up the escalator at {stn} station",
		"was on the platform at {stn} station",
		"was walking through the ticket hall at {stn} station",
		"was waiting on the platform at {stn} for her train",
	}},
	{key: "shopper", w: 4, locs: []string{"shop", "car_park"}, hour: 14, ageMin: 20, ageMax: 80, say: []string{
		"was loading her shopping into her car in the {shop} car park",
		"was shopping in {shop} on {road}",
		"was walking back to her car in the car park behind {shop}",
		"was browsing the aisles in {shop}",
	}},
	{key: "dog_walker", w: 3, locs: []string{"park"}, hour: 19, ageMin: 20, ageMax: 75, say: []string{
		"was walking her dog in {park}",
		"was out with her dog on the field in {park}",
		"was walking the family dog along the path in {park}",
	}},
	{key: "at_home", w: 5, locs: []string{"home"}, hour: 20, ageMin: 18, ageMax: 80, say: []string{
		"was at her home address on {road}",
		"answered the door of her flat on {road}",
		"was alone at her home address in {area}",
		"was in the communal hallway of her block on {road}",
	}},
	{key: "college_girl", w: 3, locs: []string{"street", "bus"}, hour: 15.5, ageMin: 16, ageMax: 17, say: []string{
		"was walking home from college along {road}",
		"was walking from college to the bus stop on {road}",
		"was on her way home from sixth form, walking along {road}",
	}},
	{key: "dating_app", w: 3, locs: []string{"home", "street"}, offs: []string{"sexual_assault", "rape", "harassment", "stalking", "other"}, hour: 21, ageMin: 19, ageMax: 45, say: []string{
		"had arranged to meet a male she had been talking to on {app}",
		"had matched with the suspect on {app} and agreed to meet him",
		"met a man she had been messaging on {app} for about two weeks",
		"went on a first date with a male she met on {app}",
	}},
	{key: "shortcut_alley", w: 4, locs: []string{"alleyway"}, hour: 22, ageMin: 18, ageMax: 55, say: []string{
		"was taking a shortcut through the alleyway off {road}",
		"was walking through the cut-through between {road} and the {estate}",
		"was using the footpath behind {road} as a shortcut home",
		"was walking through the underpass near {road}",
	}},
	{key: "canal_towpath", w: 2, locs: []string{"towpath", "park"}, hour: 18, ageMin: 18, ageMax: 60, say: []string{
		"was walking along the canal towpath near {road}",
		"was cycling along the towpath by the canal in {area}",
		"was walking along the river path near {park}",
	}},
	{key: "car_park_lone", w: 2, locs: []string{"car_park"}, hour: 21, ageMin: 20, ageMax: 65, say: []string{
		"was returning to her car in the multi-storey car park on {road}",
		"was on her own in the car park near {stn} station",
		"was walking across the car park behind {shop}",
	}},
	{key: "gym_goer", w: 2, locs: []string{"street", "car_park"}, hour: 20, ageMin: 18, ageMax: 45, say: []string{
		"was walking home from the gym on {road}",
		"had just left the gym on {road} and was walking to her car",
	}},
})

var approaches = mk([]trait{
	{key: "from_behind", w: 18, say: []string{
		"approached her from behind",
		"came up behind her",
		"approached from behind without her noticing",
		"crept up behind her",
		"came from behind her",
	}},
	{key: "blitz", w: 7, offs: contact, say: []string{
		"attacked her without warning",
		"ran up to her and grabbed her without saying anything",
		"launched himself at her without any warning",
		"suddenly grabbed hold of her as she passed",
	}},
	{key: "minicab", w: 3, offs: []string{"sexual_assault", "rape", "attempted_kidnap", "harassment", "other"}, locs: []string{"street", "club"}, say: []string{
		"claimed to be a cab driver",
		"said he was her Uber",
		"was posing as a private hire driver",
		"offered her a lift home saying he drove minicabs",
		"pulled up and asked if she had ordered an Uber",
		"told her he was a taxi driver and could take her home",
		"pretended to be her booked minicab",
	}},
	{key: "directions", w: 6, say: []string{
		"asked her for directions",
		"stopped her and asked the way to {stn} station",
		"asked if she knew where {road} was",
		"asked her for directions to the nearest station",
		"asked her how to get to {road}",
	}},
	{key: "followed_bus", w: 4, locs: []string{"street", "alleyway", "home"}, say: []string{
		"followed her off the bus",
		"got off the {bus} at the same stop and followed her",
		"had been on the same bus and got off behind her",
		"followed her from the bus stop",
	}},
	{key: "followed_station", w: 4, locs: []string{"street", "alleyway", "home", "station"}, say: []string{
		"followed her out of {stn} station",
		"followed her from the station for about {mins} minutes",
		"had followed her from {stn} station",
		"walked behind her from the station exit",
	}},
	{key: "started_talking", w: 10, say: []string{
		"started talking to her",
		"engaged her in conversation",
		"was friendly at first and chatted to her",
		"began making small talk with her",
		"struck up a conversation with her",
	}},
	{key: "sat_next", w: 5, locs: []string{"bus", "train"}, say: []string{
		"sat down right next to her even though there were empty seats",
		"stood very close to her in the crowded carriage",
		"moved seats to sit beside her",
		"pressed himself up close to her",
		"positioned himself directly behind her",
	}},
	{key: "pushbike", w: 3, locs: streetLocs, say: []string{
		"rode up to her on a pushbike",
		"cycled alongside her on a bicycle",
		"approached on a push bike",
		"came up next to her riding a mountain bike",
		"was on a bike and circled around her",
	}},
	{key: "fake_delivery", w: 1, locs: []string{"home"}, say: []string{
		"knocked at her door claiming to have a parcel for her",
		"pretended to be a delivery driver",
		"said he had a delivery that needed signing for",
		"was wearing a courier style jacket and said he had a package for her",
	}},
	{key: "help_shopping", w: 1, locs: []string{"shop", "car_park", "street", "home"}, say: []string{
		"offered to help carry her shopping",
		"offered to help her with her bags",
		"asked if she wanted a hand with her shopping",
	}},
	{key: "lighter_time", w: 4, say: []string{
		"asked her for a lighter",
		"asked her for the time",
		"asked if she had a cigarette",
		"asked to borrow her phone to make a call",
	}},
	{key: "kerb_crawl", w: 3, locs: []string{"street"}, say: []string{
		"pulled up alongside her in a car",
		"was kerb crawling and drove slowly next to her",
		"drove past her several times before stopping",
		"stopped his car next to her and wound the window down",
	}},
	{key: "lying_in_wait", w: 4, locs: []string{"park", "alleyway", "street", "towpath", "car_park"}, say: []string{
		"was standing in the bushes",
		"was waiting behind a tree",
		"appeared to be waiting by the entrance",
		"stepped out from a doorway",
		"was loitering near the gate",
	}},
	{key: "offered_drink", w: 2, locs: []string{"club", "street"}, say: []string{
		"offered to buy her a drink",
		"kept trying to buy her drinks",
		"offered her a drink from a bottle he was carrying",
	}},
	{key: "posed_police", w: 1, say: []string{
		"claimed to be a police officer",
		"said he was an undercover officer and flashed what looked like a warrant card",
		"told her he was plain clothes police",
	}},
	{key: "asked_help", w: 2, say: []string{
		"asked her to help him find his lost dog",
		"said his friend was unwell and asked for help",
		"asked her to help him with his car",
	}},
	{key: "date_app_meet", w: 2, offs: []string{"sexual_assault", "rape", "harassment", "stalking", "other"}, locs: []string{"home", "street"}, say: []string{
		"had been messaging her on {app} and arranged to meet",
		"matched with her on {app} using a different name",
		"met her through {app} and invited her back to his flat",
	}},
	{key: "watched_staring", w: 6, say: []string{
		"was staring at her",
		"kept looking over at her",
		"had been watching her for some time",
		"made eye contact and kept staring",
	}},
})

var controls = mk([]trait{
	{key: "hand_mouth", w: 4, offs: contact, say: []string{
		"put his hand over her mouth",
		"covered her mouth with his hand",
		"clamped a hand over her mouth so she could not scream",
	}},
	{key: "knife", w: 3, offs: contact, say: []string{
		"showed her a knife",
		"produced a kitchen knife",
		"pulled out a knife and held it towards her",
		"had a small blade which he showed her",
		"threatened her with a knife",
	}},
	{key: "claimed_weapon", w: 2, offs: contact, say: []string{
		"said he had a knife although IP did not see one",
		"told her he had a weapon",
		"kept his hand in his pocket as if he had a weapon",
	}},
	{key: "grabbed_wrist", w: 8, offs: touching, say: []string{
		"grabbed her wrist",
		"took hold of her wrist",
		"grabbed her by the arm",
		"held her by the wrist tightly",
		"grabbed her arm",
	}},
	{key: "pinned_wall", w: 5, offs: contact, say: []string{
		"pinned her against a wall",
		"pushed her up against the wall",
		"pressed her back against a fence",
		"forced her against the side of a building",
	}},
	{key: "verbal_threat", w: 5, say: []string{
		"threatened to hurt her if she screamed",
		"threatened her",
		"told her he would hurt her if she did not do what he said",
		"said he would kill her if she called the police",
	}},
	{key: "pushed_ground", w: 3, offs: contact, say: []string{
		"pushed her to the ground",
		"knocked her to the floor",
		"tripped her so she fell",
	}},
	{key: "arm_neck", w: 3, offs: contact, say: []string{
		"put his arm around her neck",
		"held her around the neck from behind",
		"put her in a headlock",
	}},
	{key: "dragged", w: 3, offs: contact, say: []string{
		"dragged her into the bushes",
		"pulled her into a side alley",
		"dragged her off the path",
		"pulled her towards the vehicle",
	}},
	{key: "blocked_path", w: 5, say: []string{
		"blocked her path",
		"stood in front of her so she could not get past",
		"stepped into her way each time she tried to move",
	}},
	{key: "grabbed_hair", w: 2, offs: contact, say: []string{
		"grabbed her by the hair",
		"pulled her hair",
	}},
	{key: "locked_doors", w: 1, offs: contact, locs: []string{"street", "club"}, say: []string{
		"locked the car doors",
		"would not unlock the doors when she asked to get out",
		"engaged the child locks so she could not get out",
	}},
})

// acts are keyed by offence: what happened, in the clinical register of
// police records.
var acts = map[string]*table{
	"sexual_assault": mk([]trait{
		{key: "touch_bottom", w: 10, say: []string{"touched her bottom over her clothing", "grabbed her bottom", "squeezed her buttocks over her clothes", "slapped her on the bottom"}},
		{key: "touch_breast", w: 6, say: []string{"touched her breast over her clothing", "grabbed her breast", "put his hand on her chest"}},
		{key: "touch_groin", w: 5, say: []string{"put his hand between her legs over her clothing", "touched her vagina over her clothing", "touched her groin area over her jeans"}},
		{key: "under_clothes", w: 3, say: []string{"put his hand up her skirt", "put his hand inside her top", "put his hand down the back of her leggings"}},
		{key: "kiss", w: 5, say: []string{"tried to kiss her", "kissed her on the neck", "forced a kiss on her lips", "kissed her on the cheek against her will"}},
		{key: "rub_groin", w: 4, locs: []string{"bus", "train", "station", "club"}, say: []string{"rubbed his groin against her", "pressed his erect penis against her bottom", "rubbed himself against her"}},
		{key: "touch_thigh", w: 5, say: []string{"touched her thigh", "put his hand on her leg and moved it upwards", "stroked her thigh"}},
		{key: "made_touch_him", w: 1, say: []string{"took her hand and placed it on his groin", "forced her hand onto his penis over his trousers"}},
	}),
	"rape": mk([]trait{
		{key: "rape_vaginal", w: 6, say: []string{"raped her", "had sex with her without her consent", "penetrated her vagina with his penis", "forced her to have sexual intercourse"}},
		{key: "digital", w: 3, say: []string{"digitally penetrated her", "penetrated her vagina with his fingers"}},
		{key: "oral", w: 2, say: []string{"forced her to perform oral sex", "made her perform oral sex on him"}},
		{key: "undressed", w: 4, say: []string{"pulled her trousers down", "removed her underwear", "pulled up her dress"}},
	}),
	"indecent_exposure": mk([]trait{
		{key: "exposed", w: 10, say: []string{"exposed his penis", "exposed himself", "had his penis out of his trousers", "flashed her", "opened his coat and exposed himself"}},
		{key: "masturbating", w: 6, say: []string{"was masturbating", "was touching his penis", "was performing a sex act on himself", "was playing with himself"}},
		{key: "trousers_down", w: 3, say: []string{"had his trousers round his ankles", "dropped his trousers", "pulled his tracksuit bottoms down"}},
		{key: "called_look", w: 2, say: []string{"shouted at her to look", "called out to get her attention before exposing himself", "made sure she was looking"}},
	}),
	"voyeurism": mk([]trait{
		{key: "upskirt", w: 6, say: []string{"filmed up her skirt on his phone", "held his phone under her skirt", "was recording up her dress with his mobile", "put his phone between her legs to film"}},
		{key: "photo_window", w: 3, locs: []string{"home"}, say: []string{"was taking photos of her through the window", "was filming her through a gap in the curtains", "was looking into her bedroom window"}},
		{key: "changing_room", w: 2, locs: []string{"shop", "club"}, say: []string{"filmed her in the changing room", "held a phone over the cubicle wall", "recorded her in the toilets"}},
		{key: "covert_filming", w: 5, say: []string{"was secretly filming her", "was recording her on his phone", "was taking photos of her", "had his phone camera pointed at her"}},
	}),
	"stalking": mk([]trait{
		{key: "followed_home", w: 8, say: []string{"followed her home", "followed her to her address on several occasions", "was seen outside her home address", "waited near her address"}},
		{key: "workplace", w: 4, say: []string{"waited outside her workplace", "turned up at her work", "was seen at her office reception"}},
		{key: "messages", w: 5, say: []string{"sent her messages on Instagram", "contacted her repeatedly on social media", "sent numerous messages from different numbers", "kept creating new accounts to message her"}},
		{key: "notes_car", w: 2, say: []string{"left notes on her car", "left a handwritten letter through her door", "left flowers on her doorstep"}},
		{key: "gym_routine", w: 2, say: []string{"turned up at her gym", "appeared at the same places she goes", "knew her daily routine"}},
	}),
	"harassment": mk([]trait{
		{key: "sexual_comments", w: 8, say: []string{"made sexual comments to her", "made comments about her body", "shouted sexual remarks at her", "made lewd comments"}},
		{key: "asked_number", w: 6, say: []string{"repeatedly asked for her number", "kept asking for her phone number", "would not leave her alone and asked for her Snapchat"}},
		{key: "unsolicited_images", w: 3, say: []string{"sent her unsolicited images", "AirDropped her an indecent image", "sent a picture of his penis"}},
		{key: "followed_short", w: 5, say: []string{"followed her for a short distance", "walked alongside her", "kept pace with her as she walked"}},
	}),
	"attempted_kidnap": mk([]trait{
		{key: "into_car", w: 6, say: []string{"tried to pull her into his car", "grabbed her arm and tried to drag her towards the vehicle", "attempted to force her into the back of the vehicle", "tried to bundle her into the car"}},
		{key: "get_in", w: 4, say: []string{"kept telling her to get in the car", "opened the passenger door and told her to get in", "insisted she get into the vehicle"}},
	}),
	"robbery": mk([]trait{
		{key: "phone", w: 7, say: []string{"took her phone", "snatched her phone from her hand", "demanded her phone"}},
		{key: "bag", w: 5, say: []string{"snatched her handbag", "pulled her bag off her shoulder", "took her purse"}},
		{key: "touched_rob", w: 2, say: []string{"touched her bottom before taking her bag", "groped her while going through her pockets"}},
	}),
	"other": mk([]trait{
		{key: "loitering", w: 5, say: []string{"was loitering and acting suspiciously", "behaved in a threatening manner", "was following women in the area"}},
		{key: "spiking", w: 2, say: []string{"may have put something in her drink", "gave her a drink after which she felt very unwell"}},
		{key: "touched_hair", w: 3, say: []string{"touched her hair", "stroked her face", "sniffed her hair"}},
	}),
}

var verbals = mk([]trait{
	{key: "smile", w: 5, say: []string{"told her to smile", "told her to cheer up and smile", "said 'give us a smile'", "said she would look prettier if she smiled"}},
	{key: "babe", w: 5, say: []string{"called her 'babe'", "kept calling her babe", "said 'come here babe'", "addressed her as 'babes'"}},
	{key: "darling", w: 4, say: []string{"called her 'darling'", "kept saying 'alright darling'", "called her darlin"}},
	{key: "princess", w: 1, say: []string{"called her 'princess'", "kept referring to her as princess"}},
	{key: "knew_lived", w: 2, say: []string{"said he knew where she lived", "told her he knew her address", "said 'I know where you live'"}},
	{key: "asked_age", w: 3, say: []string{"asked how old she was", "asked her age", "wanted to know how old she was"}},
	{key: "apologised", w: 2, say: []string{"apologised afterwards", "said sorry before walking off", "kept apologising after", "said 'I'm sorry, I'm sorry'"}},
	{key: "compliment", w: 4, say: []string{"told her she was beautiful", "said she was pretty", "said she had a nice body", "said 'you're gorgeous'"}},
	{key: "dont_scream", w: 3, offs: contact, say: []string{"told her not to scream", "said 'don't make a sound'", "told her to keep quiet"}},
	{key: "boyfriend", w: 3, say: []string{"asked if she had a boyfriend", "asked whether she was single", "asked if her boyfriend was at home"}},
	{key: "asked_name", w: 3, say: []string{"asked her name", "wanted to know her name", "asked what she was called"}},
	{key: "see_again", w: 2, say: []string{"said he would see her again", "told her 'see you soon'", "said he would be back"}},
	{key: "dont_tell", w: 2, say: []string{"told her not to tell anyone", "said nobody would believe her", "told her not to call the police"}},
	{key: "foreign_lang", w: 2, say: []string{"spoke in a language IP did not recognise", "spoke mostly in a foreign language", "said something in a language she did not understand"}},
	{key: "student_q", w: 1, say: []string{"asked if she was a student", "asked which uni she went to"}},
	{key: "religious", w: 1, say: []string{"made comments about God", "said God had sent him", "was quoting from the Bible"}},
	{key: "thanked", w: 1, say: []string{"thanked her", "said 'thank you' afterwards", "said thanks before leaving"}},
	{key: "come_with_me", w: 2, say: []string{"asked her to come back to his place", "asked her to go with him", "kept asking her to come with him"}},
	{key: "swore", w: 3, say: []string{"was swearing at her", "called her a slag", "shouted abuse at her when she ignored him"}},
})

var precautions = mk([]trait{
	{key: "gloves", w: 2, say: []string{"wore gloves", "was wearing black gloves", "had gloves on", "was wearing latex style gloves"}},
	{key: "hood_up", w: 6, say: []string{"had his hood up", "kept his hood up the whole time", "wore his hood pulled up over his head", "had a hoodie up"}},
	{key: "face_covered", w: 4, say: []string{"covered his face", "wore a black face covering", "had a snood pulled over his face", "was wearing a balaclava", "had a scarf over the lower part of his face", "wore a surgical mask"}},
	{key: "cap_low", w: 3, say: []string{"had his cap pulled down low", "wore a baseball cap pulled low over his eyes"}},
	{key: "took_phone", w: 1, offs: contact, say: []string{"took her phone so she could not call for help", "threw her phone away", "made her hand over her phone"}},
	{key: "looked_around", w: 3, say: []string{"kept looking around as if checking no one was watching", "checked up and down the road before", "looked around for CCTV"}},
	{key: "condom", w: 1, offs: []string{"rape"}, say: []string{"used a condom", "put on a condom"}},
	{key: "sunglasses", w: 1, say: []string{"wore sunglasses even though it was dark", "had dark sunglasses on"}},
})

var escapes = mk([]trait{
	{key: "ran_station", w: 4, say: []string{"ran off towards {stn} station", "ran in the direction of the station", "made off on foot towards {stn}"}},
	{key: "drove_off", w: 4, say: []string{"drove off in the vehicle", "got back into his car and drove off", "drove off at speed", "made off in the car towards {road}"}},
	{key: "cycled_off", w: 3, say: []string{"cycled off", "rode off on his bike", "made off on the pushbike towards {road}"}},
	{key: "walked_calm", w: 6, say: []string{"walked off casually", "calmly walked away", "walked away as if nothing had happened", "strolled off"}},
	{key: "ran_off", w: 10, say: []string{"ran off", "made off on foot", "ran off {dir} along {road}", "made off on foot in the direction of {road}", "fled on foot"}},
	{key: "got_on_bus", w: 2, locs: []string{"bus", "street"}, say: []string{"got off the bus at the next stop", "jumped off the bus when the doors opened", "got off at {road}"}},
	{key: "into_park", w: 2, say: []string{"ran into {park}", "disappeared into {park}"}},
	{key: "into_estate", w: 3, say: []string{"ran into the {estate}", "disappeared into the {estate}", "made off into the estate"}},
	{key: "left_train", w: 2, locs: []string{"train", "station"}, say: []string{"got off the train at {stn}", "left the train at the next stop", "stepped off as the doors were closing"}},
	{key: "moped", w: 2, say: []string{"made off on a moped", "rode off on a scooter", "got onto a moped and rode off"}},
})
