package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"jxjy/server/domain"
)

// TextFinding is one stored value the text rule (domain.TextProblem)
// would refuse today: written before the rule existed, or by a bug.
type TextFinding struct {
	Table  string
	Column string
	// Row is the row's physical key (SQLite rowid, PostgreSQL ctid).
	Row string
	// Value is the stored text with every offending character made
	// visible (domain.VisibleText), safe to print.
	Value   string
	Problem string
}

// TextScan is what ScanText found.
type TextScan struct {
	// Rows counts the rows read per table (every table but goose's).
	Rows     map[string]int
	Findings []TextFinding
	// Cleaned counts the values rewritten (ScanText with clean).
	Cleaned int
}

// ScanText reads every text column of every table and reports the values
// the text rule refuses; multi-line columns are the domain's multi-line
// fields (domain.MultilineField by column name). With clean it rewrites
// each such value to domain.CleanText in one transaction: invalid bytes
// and control or bidi characters removed, line breaks of single-line
// columns turned into spaces. Behind `jxjy admin scan-text [--clean]`.
func (db *DB) ScanText(ctx context.Context, clean bool) (TextScan, error) {
	cols, err := db.textColumns(ctx)
	if err != nil {
		return TextScan{}, mapDBError(err)
	}
	scan := TextScan{Rows: map[string]int{}}
	tables := make([]string, 0, len(cols))
	for t := range cols {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	type fix struct {
		table, column, row, value string
	}
	var fixes []fix
	for _, table := range tables {
		n, found, err := db.scanTable(ctx, table, cols[table])
		if err != nil {
			return TextScan{}, mapDBError(err)
		}
		scan.Rows[table] = n
		for _, f := range found {
			scan.Findings = append(scan.Findings, TextFinding{Table: table, Column: f.column, Row: f.row,
				Value: domain.VisibleText(f.value, false), Problem: f.problem})
			fixes = append(fixes, fix{table, f.column, f.row, domain.CleanText(f.value, domain.MultilineField(f.column))})
		}
	}
	if !clean || len(fixes) == 0 {
		return scan, nil
	}
	rowKey := "rowid = $2"
	if db.dialect == DialectPostgres {
		rowKey = "ctid = $2::tid"
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		for _, f := range fixes {
			q := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s`, quoteIdent(f.table), quoteIdent(f.column), rowKey)
			if _, err := tx.ExecContext(ctx, q, f.value, f.row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return scan, err
	}
	scan.Cleaned = len(fixes)
	return scan, nil
}

type textFound struct {
	column, row, value, problem string
}

// scanTable reads the text columns of one table, row by row.
func (db *DB) scanTable(ctx context.Context, table string, columns []string) (int, []textFound, error) {
	key := "CAST(rowid AS TEXT)"
	if db.dialect == DialectPostgres {
		key = "ctid::text"
	}
	if len(columns) == 0 {
		var n int
		err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(table)).Scan(&n)
		return n, nil, err
	}
	sel := make([]string, len(columns))
	for i, c := range columns {
		sel[i] = quoteIdent(c)
	}
	rows, err := db.write.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s FROM %s`, key, strings.Join(sel, ", "), quoteIdent(table)))
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var found []textFound
	n := 0
	vals := make([]sql.RawBytes, len(columns)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		n++
		for i, c := range columns {
			v := string(vals[i+1])
			multi := domain.MultilineField(c)
			p := domain.TextProblem(v, multi)
			if p == "" && multi && domain.NormalizeLineBreaks(v) != v {
				p = "换行符不是 \\n"
			}
			if p != "" {
				found = append(found, textFound{column: c, row: string(vals[0]), value: v, problem: p})
			}
		}
	}
	return n, found, rows.Err()
}

// textColumns lists the text columns of every table of the schema.
func (db *DB) textColumns(ctx context.Context) (map[string][]string, error) {
	cols := map[string][]string{}
	if db.dialect == DialectPostgres {
		rows, err := db.write.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'goose_db_version'
			ORDER BY c.table_name, c.ordinal_position`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var t, c, typ string
			if err := rows.Scan(&t, &c, &typ); err != nil {
				return nil, err
			}
			listTable(cols, t)
			if typ == "text" || typ == "character varying" || typ == "character" {
				cols[t] = append(cols[t], c)
			}
		}
		return cols, rows.Err()
	}
	rows, err := db.write.QueryContext(ctx, `SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version' ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, c, typ string
		if err := rows.Scan(&t, &c, &typ); err != nil {
			return nil, err
		}
		listTable(cols, t)
		// SQLite's text affinity: a declared type naming TEXT, CHAR or CLOB.
		typ = strings.ToUpper(typ)
		if strings.Contains(typ, "TEXT") || strings.Contains(typ, "CHAR") || strings.Contains(typ, "CLOB") {
			cols[t] = append(cols[t], c)
		}
	}
	return cols, rows.Err()
}

// listTable lists a table even when it has no text column, so that its
// rows are counted.
func listTable(cols map[string][]string, table string) {
	if _, ok := cols[table]; !ok {
		cols[table] = nil
	}
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
