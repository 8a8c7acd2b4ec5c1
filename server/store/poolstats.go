package store

import "database/sql"

// PoolStats reports each connection pool by name, for the metrics page:
// "write" and "read" on SQLite, "main" on PostgreSQL (one pool serves both).
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.read.DB == db.write {
		return map[string]sql.DBStats{"main": db.write.Stats()}
	}
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}
