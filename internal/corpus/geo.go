package corpus

import "math"

// borough is one of the 32 London boroughs or the City, with an approximate
// centroid and a few real place names so that narratives name real stations
// and parks near where the coordinates fall.
type borough struct {
	name     string
	lat, lon float64
	area     string   // the unit area that owns it: North, South, East, West, Central
	stations []string // without the word "station"
	parks    []string
	w        float64 // share of reports: busy central and night-time boroughs report more
	near     []int   // indexes of the nearest other boroughs, filled at init
}

var boroughs = []borough{
	{"Barking and Dagenham", 51.5465, 0.1293, "East", []string{"Barking", "Dagenham Heathway", "Becontree"}, []string{"Mayesbrook Park", "Barking Park"}, 0.8, nil},
	{"Barnet", 51.6252, -0.1517, "North", []string{"High Barnet", "Finchley Central", "Colindale"}, []string{"Hendon Park", "Oak Hill Park"}, 1.0, nil},
	{"Bexley", 51.4549, 0.1505, "South", []string{"Bexleyheath", "Sidcup", "Welling"}, []string{"Danson Park", "Hall Place gardens"}, 0.6, nil},
	{"Brent", 51.5588, -0.2817, "West", []string{"Wembley Park", "Kilburn", "Willesden Green"}, []string{"Gladstone Park", "Roundwood Park"}, 1.1, nil},
	{"Bromley", 51.4039, 0.0198, "South", []string{"Bromley South", "Orpington", "Penge East"}, []string{"Norman Park", "Crystal Palace Park"}, 0.8, nil},
	{"Camden", 51.5290, -0.1255, "Central", []string{"Camden Town", "Kentish Town", "King's Cross St Pancras"}, []string{"Hampstead Heath", "Regent's Park"}, 1.4, nil},
	{"City of London", 51.5155, -0.0922, "Central", []string{"Bank", "Liverpool Street", "Moorgate"}, []string{"Finsbury Circus gardens"}, 0.4, nil},
	{"Croydon", 51.3714, -0.0977, "South", []string{"East Croydon", "West Croydon", "Norwood Junction"}, []string{"Lloyd Park", "Wandle Park"}, 1.4, nil},
	{"Ealing", 51.5130, -0.3089, "West", []string{"Ealing Broadway", "Southall", "Acton Town"}, []string{"Walpole Park", "Gunnersbury Park"}, 1.1, nil},
	{"Enfield", 51.6538, -0.0799, "North", []string{"Enfield Town", "Edmonton Green", "Southgate"}, []string{"Pymmes Park", "Trent Park"}, 1.0, nil},
	{"Greenwich", 51.4892, 0.0648, "South", []string{"Woolwich Arsenal", "Greenwich", "Eltham"}, []string{"Greenwich Park", "Charlton Park"}, 1.0, nil},
	{"Hackney", 51.5450, -0.0553, "East", []string{"Hackney Central", "Dalston Junction", "Homerton"}, []string{"London Fields", "Hackney Downs"}, 1.4, nil},
	{"Hammersmith and Fulham", 51.4927, -0.2339, "West", []string{"Hammersmith", "Fulham Broadway", "Shepherd's Bush"}, []string{"Ravenscourt Park", "Bishops Park"}, 1.0, nil},
	{"Haringey", 51.5906, -0.1110, "North", []string{"Wood Green", "Tottenham Hale", "Seven Sisters"}, []string{"Finsbury Park", "Lordship Recreation Ground"}, 1.1, nil},
	{"Harrow", 51.5898, -0.3346, "West", []string{"Harrow-on-the-Hill", "Harrow and Wealdstone", "Stanmore"}, []string{"Harrow Recreation Ground", "Canons Park"}, 0.6, nil},
	{"Havering", 51.5812, 0.1837, "East", []string{"Romford", "Upminster", "Hornchurch"}, []string{"Raphael Park", "Harrow Lodge Park"}, 0.7, nil},
	{"Hillingdon", 51.5352, -0.4481, "West", []string{"Uxbridge", "Hayes and Harlington", "West Drayton"}, []string{"Ruislip Lido", "Cowley Recreation Ground"}, 0.8, nil},
	{"Hounslow", 51.4609, -0.3731, "West", []string{"Hounslow Central", "Brentford", "Feltham"}, []string{"Hounslow Heath", "Boston Manor Park"}, 0.9, nil},
	{"Islington", 51.5416, -0.1022, "Central", []string{"Highbury and Islington", "Angel", "Holloway Road"}, []string{"Highbury Fields", "Caledonian Park"}, 1.3, nil},
	{"Kensington and Chelsea", 51.5020, -0.1947, "Central", []string{"Earl's Court", "Notting Hill Gate", "South Kensington"}, []string{"Holland Park", "Kensington Gardens"}, 1.0, nil},
	{"Kingston upon Thames", 51.3925, -0.3057, "South", []string{"Kingston", "Surbiton", "Norbiton"}, []string{"Canbury Gardens", "Fairfield Recreation Ground"}, 0.6, nil},
	{"Lambeth", 51.4607, -0.1163, "South", []string{"Brixton", "Vauxhall", "Stockwell"}, []string{"Brockwell Park", "Clapham Common"}, 1.6, nil},
	{"Lewisham", 51.4452, -0.0209, "South", []string{"Lewisham", "Catford", "New Cross"}, []string{"Hilly Fields", "Blackheath"}, 1.2, nil},
	{"Merton", 51.4014, -0.1958, "South", []string{"Wimbledon", "Morden", "Colliers Wood"}, []string{"Morden Hall Park", "Wimbledon Common"}, 0.7, nil},
	{"Newham", 51.5077, 0.0469, "East", []string{"Stratford", "East Ham", "Canning Town"}, []string{"West Ham Park", "Plaistow Park"}, 1.5, nil},
	{"Redbridge", 51.5590, 0.0741, "East", []string{"Ilford", "Gants Hill", "Woodford"}, []string{"Valentines Park", "Wanstead Park"}, 0.9, nil},
	{"Richmond upon Thames", 51.4479, -0.3260, "West", []string{"Richmond", "Twickenham", "Teddington"}, []string{"Richmond Park", "Old Deer Park"}, 0.6, nil},
	{"Southwark", 51.4734, -0.0797, "South", []string{"Peckham Rye", "Elephant and Castle", "London Bridge"}, []string{"Burgess Park", "Peckham Rye Park"}, 1.6, nil},
	{"Sutton", 51.3618, -0.1945, "South", []string{"Sutton", "Carshalton", "Cheam"}, []string{"Manor Park", "Oaks Park"}, 0.5, nil},
	{"Tower Hamlets", 51.5099, -0.0059, "East", []string{"Whitechapel", "Mile End", "Canary Wharf"}, []string{"Victoria Park", "Mile End Park"}, 1.5, nil},
	{"Waltham Forest", 51.5908, -0.0134, "East", []string{"Walthamstow Central", "Leytonstone", "Leyton"}, []string{"Lloyd Park", "Walthamstow Marshes"}, 1.0, nil},
	{"Wandsworth", 51.4567, -0.1910, "South", []string{"Clapham Junction", "Tooting Broadway", "Balham"}, []string{"Wandsworth Common", "Tooting Common"}, 1.2, nil},
	{"Westminster", 51.4973, -0.1372, "Central", []string{"Victoria", "Oxford Circus", "Leicester Square"}, []string{"Hyde Park", "Green Park"}, 2.2, nil},
}

// London's bounding box, generous: every generated point lies inside it.
const (
	minLat, maxLat = 51.28, 51.70
	minLon, maxLon = -0.51, 0.34
)

var boroughCum []float64

func init() {
	boroughCum = make([]float64, len(boroughs))
	total := 0.0
	for i := range boroughs {
		total += boroughs[i].w
		boroughCum[i] = total
		// The three nearest centroids stand in for "neighbouring boroughs".
		type nd struct {
			j int
			d float64
		}
		var best [3]nd
		for k := range best {
			best[k] = nd{-1, math.Inf(1)}
		}
		for j := range boroughs {
			if j == i {
				continue
			}
			d := km(boroughs[i].lat, boroughs[i].lon, boroughs[j].lat, boroughs[j].lon)
			for k := range best {
				if d < best[k].d {
					copy(best[k+1:], best[k:len(best)-1])
					best[k] = nd{j, d}
					break
				}
			}
		}
		for _, b := range best {
			boroughs[i].near = append(boroughs[i].near, b.j)
		}
	}
}

// km is the great-circle distance between two points.
func km(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp := p2 - p1
	dl := (lon2 - lon1) * math.Pi / 180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// offset moves a point by dx km east and dy km north.
func offset(lat, lon, dx, dy float64) (float64, float64) {
	lat2 := lat + dy/111.32
	lon2 := lon + dx/(111.32*math.Cos(lat*math.Pi/180))
	return clamp(lat2, minLat, maxLat), clamp(lon2, minLon, maxLon)
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// nearestOf returns the borough among idx whose centroid is closest.
func nearestOf(idx []int, lat, lon float64) int {
	best, bd := idx[0], math.Inf(1)
	for _, i := range idx {
		if d := km(lat, lon, boroughs[i].lat, boroughs[i].lon); d < bd {
			best, bd = i, d
		}
	}
	return best
}
