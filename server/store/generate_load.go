package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// genLoader bulk loads generated rows over one connection of the writer
// pool, tuned for the load and put back afterwards.
type genLoader struct {
	dialect  string
	conn     *sql.Conn
	progress func(table string, done, total int)
	phases   []GeneratePhase
	// restore rebuilds what setAside dropped, in order: indexes, unique
	// constraints, then the foreign keys that may rely on them.
	restore [3][]string
	// reset puts the connection's settings back.
	reset []string
}

// bulkBatch is the rows of one SQLite transaction and of one progress step.
const bulkBatch = 20_000

// sqliteVars bounds the parameters of one SQLite insert statement (the
// library's compiled-in limit is far higher; rows per statement beyond a
// few dozen gain nothing).
const sqliteVars = 960

func (db *DB) newGenLoader(ctx context.Context, progress func(string, int, int)) (*genLoader, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	ld := &genLoader{dialect: db.dialect, conn: conn, progress: progress}
	var set []string
	if db.dialect == DialectSQLite {
		// A crashed load is thrown away whatever happens, so it need not
		// be durable; a big page cache keeps the index builds' sorting in
		// memory. The writer connection lives on, so both are put back.
		var sync, cache string
		if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			conn.Close()
			return nil, err
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
			conn.Close()
			return nil, err
		}
		set = []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -262144`}
		ld.reset = []string{`PRAGMA synchronous = ` + sync, `PRAGMA cache_size = ` + cache}
	} else {
		set = []string{`SET maintenance_work_mem = '256MB'`}
		ld.reset = []string{`RESET maintenance_work_mem`}
	}
	for _, s := range set {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return ld, nil
}

// phase times fn as one step of the load.
func (ld *genLoader) phase(name string, rows int, fn func() error) error {
	start := time.Now()
	err := fn()
	ld.phases = append(ld.phases, GeneratePhase{Name: name, Rows: rows, Took: time.Since(start)})
	return err
}

// setAside drops the secondary indexes of tables, and on PostgreSQL their
// foreign keys and unique constraints, remembering their definitions as
// the database itself states them: loading into bare tables and building
// each index once, sorted, is many times faster than keeping eight
// indexes of records up to date row by row, and a foreign key added back
// is checked in one join instead of one lookup (and row lock) per row.
// Every constraint is checked again when it is put back.
func (ld *genLoader) setAside(ctx context.Context, tables []string) error {
	if ld.dialect == DialectSQLite {
		return ld.setAsideSQLite(ctx, tables)
	}
	// Foreign keys of every table go first, so a unique constraint no
	// longer relied on can go too.
	for kind, query := range []string{
		`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
		`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint u
			WHERE conrelid = $1::regclass AND contype = 'u'
			AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = u.conindid)
			ORDER BY conname`,
	} {
		for _, t := range tables {
			defs, err := ld.definitions(ctx, query, t)
			if err != nil {
				return err
			}
			for _, d := range defs {
				name := pgx.Identifier{d[0]}.Sanitize()
				if _, err := ld.conn.ExecContext(ctx, `ALTER TABLE `+t+` DROP CONSTRAINT `+name); err != nil {
					return err
				}
				// Foreign keys are restored last (kind 0 → slot 2).
				slot := 2 - kind
				ld.restore[slot] = append(ld.restore[slot], `ALTER TABLE `+t+` ADD CONSTRAINT `+name+` `+d[1])
			}
		}
	}
	for _, t := range tables {
		defs, err := ld.definitions(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid)
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
			ORDER BY c.relname`, t)
		if err != nil {
			return err
		}
		for _, d := range defs {
			if _, err := ld.conn.ExecContext(ctx, `DROP INDEX `+pgx.Identifier{d[0]}.Sanitize()); err != nil {
				return err
			}
			ld.restore[0] = append(ld.restore[0], d[1])
		}
	}
	return nil
}

// setAsideSQLite drops the indexes created by statements; those SQLite
// makes for UNIQUE and PRIMARY KEY clauses stay. Foreign keys stay on:
// checking one costs a primary-key lookup, no more.
func (ld *genLoader) setAsideSQLite(ctx context.Context, tables []string) error {
	for _, t := range tables {
		defs, err := ld.definitions(ctx, `SELECT name, sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name`, t)
		if err != nil {
			return err
		}
		for _, d := range defs {
			if _, err := ld.conn.ExecContext(ctx, `DROP INDEX "`+d[0]+`"`); err != nil {
				return err
			}
			ld.restore[0] = append(ld.restore[0], d[1])
		}
	}
	return nil
}

// definitions reads (name, definition) pairs of table.
func (ld *genLoader) definitions(ctx context.Context, query, table string) ([][2]string, error) {
	rows, err := ld.conn.QueryContext(ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var d [2]string
		if err := rows.Scan(&d[0], &d[1]); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// finish puts back what setAside dropped and the connection's settings;
// after a complete load (ok) it also moves PostgreSQL's identity sequences
// past the explicit ids and refreshes the planner's statistics.
func (ld *genLoader) finish(ctx context.Context, ok bool) error {
	defer ld.conn.Close()
	var all []string
	for _, r := range ld.restore {
		all = append(all, r...)
	}
	err := ld.phase("indexes", len(all), func() error {
		for i, stmt := range all {
			ld.progress("indexes", i, len(all))
			if _, err := ld.conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("rebuild %q: %w", stmt, err)
			}
		}
		ld.progress("indexes", len(all), len(all))
		return nil
	})
	if err == nil && ok {
		err = ld.phase("analyze", 0, func() error { return ld.afterBulk(ctx) })
	}
	for _, s := range ld.reset {
		if _, rerr := ld.conn.ExecContext(ctx, s); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	return err
}

// afterBulk moves PostgreSQL's identity sequences past the ids given
// explicitly, and refreshes the planner's statistics on both databases.
func (ld *genLoader) afterBulk(ctx context.Context) error {
	if ld.dialect == DialectSQLite {
		if _, err := ld.conn.ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
		// The per-value histograms (sqlite_stat4) make SQLite recompile a
		// statement whenever a parameter compared with an indexed column
		// changes, so the server's prepared statements would be parsed
		// again on every request; the averages in sqlite_stat1 are what
		// the plans need. (The table exists only when SQLite was built
		// with STAT4, which modernc's is.)
		if _, err := ld.conn.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
		return nil
	}
	for _, t := range genIDTables {
		if _, err := ld.conn.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'),
			(SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	_, err := ld.conn.ExecContext(ctx, `VACUUM ANALYZE units, users, certificate_counters, `+strings.Join(genIndexedTables, ", "))
	return err
}

// bulk loads n rows made by row into table: COPY on PostgreSQL, multi-row
// inserts in transactions of bulkBatch rows on SQLite. row is called in
// order, once per row, so a seeded generator stays deterministic.
func (ld *genLoader) bulk(ctx context.Context, table string, cols []string, n int, row func(int) []any) error {
	err := ld.phase(table, n, func() error {
		ld.progress(table, 0, n)
		if ld.dialect == DialectPostgres {
			return ld.conn.Raw(func(dc any) error {
				src := &copySource{n: n, row: row, progress: func(done int) { ld.progress(table, done, n) }}
				_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
				return err
			})
		}
		return ld.insertSQLite(ctx, table, cols, n, row)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

func (ld *genLoader) insertSQLite(ctx context.Context, table string, cols []string, n int, row func(int) []any) error {
	per := max(1, sqliteVars/len(cols))
	statement := func(rows int) string {
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `)
		for r := range rows {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(r*len(cols)+c+1))
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	full := statement(per)
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += bulkBatch {
		end := min(start+bulkBatch, n)
		err := func() error {
			tx, err := ld.conn.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			ins, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer ins.Close()
			args = args[:0]
			for i := start; i < end; i++ {
				args = append(args, row(i)...)
				if len(args) == per*len(cols) {
					if _, err := ins.ExecContext(ctx, args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			if len(args) > 0 {
				if _, err := tx.ExecContext(ctx, statement(len(args)/len(cols)), args...); err != nil {
					return err
				}
			}
			return tx.Commit()
		}()
		if err != nil {
			return err
		}
		ld.progress(table, end, n)
	}
	return nil
}

// copySource feeds COPY one generated row at a time, so memory stays flat
// however many rows go in.
type copySource struct {
	n, i     int
	row      func(int) []any
	values   []any
	progress func(int)
}

func (s *copySource) Next() bool {
	if s.i >= s.n {
		s.progress(s.n)
		return false
	}
	s.values = s.row(s.i)
	s.i++
	if s.i%bulkBatch == 0 {
		s.progress(s.i)
	}
	return true
}

func (s *copySource) Values() ([]any, error) { return s.values, nil }
func (s *copySource) Err() error             { return nil }
