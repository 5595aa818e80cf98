package portal

// Permission is one thing a role may do. RolePermissions below is the one
// table that decides access (contract §4); the web layer attaches a
// permission to every route and asks Can.
type Permission string

const (
	PermReadReports  Permission = "read_reports"   // search and open reports (restricted ones only in the user's unit)
	PermVictim       Permission = "victim_details" // see victim details such as age
	PermEditSeries   Permission = "edit_series"    // create and change series, submit them
	PermDecideSeries Permission = "decide_series"  // approve or reject a submitted series
	PermAudit        Permission = "audit"          // read and export the audit log, run verification
	PermManageUsers  Permission = "manage_users"   // create, disable, re-role users
	PermImport       Permission = "import"         // import reports
)

// RolePermissions says which role may do what.
var RolePermissions = map[Role][]Permission{
	RoleInvestigator: {PermReadReports, PermVictim, PermEditSeries},
	RoleSupervisor:   {PermReadReports, PermVictim, PermEditSeries, PermDecideSeries},
	RoleAuditor:      {PermAudit},
	RoleAdmin:        {PermManageUsers, PermImport},
}

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool {
	for _, x := range RolePermissions[r] {
		if x == p {
			return true
		}
	}
	return false
}

// MayRead reports whether a user of this role and unit may find and open
// report rep: restricted reports only inside their own unit.
func MayRead(role Role, unit string, rep *Report) bool {
	if !role.Can(PermReadReports) {
		return false
	}
	return !rep.Restricted || (unit != "" && rep.Unit == unit)
}
