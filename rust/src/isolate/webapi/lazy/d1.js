// D1: `env.DB` is a D1Database (SQLite with D1's API, result shapes, type mapping and error
// messages). A database the worker was given to query in place (a standalone worker's) is run
// inside native.d1First / native.d1Query; any other query is a `d1` binding operation the host
// performs at the instance the session's rules choose (the primary, or the nearest replica).
// Loaded on a worker's first use of a binding.
const { d1Open, d1First, d1Query, d1Seq } = native;
const UNCONSTRAINED = 'first-unconstrained';
const PRIMARY = 'first-primary';
const BOOKMARK = /^[0-9a-f]{16}$/;
const kStatement = Symbol('d1.statement');

// A bookmark: the commit count of the instance that answered, as 16 hex digits (sortable).
const bookmarkOf = (seq) => seq.toString(16).padStart(16, '0');

// bind(): as D1 converts JavaScript values (booleans to 1/0, ArrayBuffer and views to arrays
// of bytes, which the engine stores as BLOBs); anything else is a D1_TYPE_ERROR.
const normalise = (r) => {
  const t = typeof r;
  if (t === 'number' || t === 'string') return r;
  if (t === 'boolean') return r ? 1 : 0;
  if (t === 'object') {
    if (r === null) return r;
    if (Array.isArray(r) && r.every((b) => typeof b === 'number' && b >= 0 && b < 256)) return r;
    if (r instanceof ArrayBuffer) return Array.from(new Uint8Array(r));
    if (ArrayBuffer.isView(r)) return Array.from(new Uint8Array(r.buffer, r.byteOffset, r.byteLength));
  }
  throw new Error(`D1_TYPE_ERROR: Type '${t}' not supported for value '${String(r)}'`);
};

const meta = (m, answer) => ({
  served_by: 'edgert',
  served_by_region: answer.region,
  served_by_primary: answer.primary,
  timings: { sql_duration_ms: m.duration },
  duration: m.duration,
  changes: m.changes,
  last_row_id: m.last_row_id,
  changed_db: m.changed_db,
  size_after: m.size_after,
  rows_read: m.rows_read,
  rows_written: m.rows_written,
});

const objects = (res) => {
  const cols = res.columns;
  return res.rows.map((row) => {
    const o = {};
    for (let i = 0; i < cols.length; i++) o[cols[i]] = row[i];
    return o;
  });
};

const d1Result = (res, answer) => ({ success: true, meta: meta(res.meta, answer), results: objects(res) });

const checked = (answer) => {
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer;
};

// Where a database's queries go: in place (a handle) or through the host; `session` is null
// (no Sessions API: the primary, as D1 does) or a D1DatabaseSession's state.
class Channel {
  constructor(id, name, region, handle) {
    this.id = id;
    this.name = name;
    this.region = region;
    this.handle = handle;
  }

  async send(payload, session) {
    let answer;
    if (this.handle >= 0) {
      answer = JSON.parse(d1Query(this.handle, JSON.stringify(payload)));
      answer.region = this.region;
      answer.primary = true;
    } else {
      const s = session === null ? null : { primary: session.mode === PRIMARY && session.bookmark === null, min: session.bookmark === null ? 0 : parseInt(session.bookmark, 16) };
      answer = await native.binding('d1', 'query', JSON.stringify({ db: this.id, binding: this.name, session: s, ...payload }));
    }
    if (session !== null && answer.seq !== undefined) session.advance(answer.seq);
    return answer;
  }

  // first() in place: the row object straight from the engine.
  firstInPlace(sql, params, session) {
    const row = d1First(this.handle, sql, params);
    if (session !== null) session.advance(d1Seq(this.handle));
    return row;
  }
}

class D1PreparedStatement {
  #channel;
  #session;
  constructor(key, channel, session, sql, params) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#session = session;
    this.statement = sql;
    this.params = params;
  }

  bind(...values) {
    return new D1PreparedStatement(kInternal, this.#channel, this.#session, this.statement, values.map(normalise));
  }

  async first(colName) {
    let row;
    if (this.#channel.handle >= 0) row = this.#channel.firstInPlace(this.statement, this.params, this.#session);
    else {
      const answer = checked(await this.#channel.send({ stmts: [{ sql: this.statement, params: this.params }] }, this.#session));
      row = objects(answer.results[0])[0] ?? null;
    }
    if (colName === undefined) return row;
    if (row === null) return null;
    if (row[colName] === undefined) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${colName})`);
    return row[colName] ?? null;
  }

  async #one() {
    const answer = checked(await this.#channel.send({ stmts: [{ sql: this.statement, params: this.params }] }, this.#session));
    return [answer.results[0], answer];
  }

  async all() {
    const [res, answer] = await this.#one();
    return d1Result(res, answer);
  }

  async run() {
    return this.all();
  }

  async raw(options) {
    const [res] = await this.#one();
    if (options !== undefined && options !== null && options.columnNames) return [res.columns, ...res.rows];
    return res.rows;
  }

  get [kStatement]() { return { sql: this.statement, params: this.params }; }
  get [Symbol.toStringTag]() { return 'D1PreparedStatement'; }
}

const batchOf = async (channel, session, statements) => {
  if (!Array.isArray(statements)) throw new TypeError('batch() takes an array of D1PreparedStatement');
  const stmts = statements.map((s) => {
    if (!(s instanceof D1PreparedStatement)) throw new TypeError('batch() takes an array of D1PreparedStatement');
    return s[kStatement];
  });
  if (stmts.length === 0) return [];
  const answer = checked(await channel.send({ stmts }, session));
  return answer.results.map((res) => d1Result(res, answer));
};

class D1DatabaseSession {
  #channel;
  #state;
  constructor(key, channel, constraint) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    const mode = constraint === PRIMARY ? PRIMARY : UNCONSTRAINED;
    const bookmark = constraint === PRIMARY || constraint === UNCONSTRAINED ? null : constraint;
    this.#state = {
      mode,
      bookmark,
      advance(seq) {
        const b = bookmarkOf(seq);
        if (this.bookmark === null || b > this.bookmark) this.bookmark = b;
      },
    };
  }

  prepare(sql) {
    return new D1PreparedStatement(kInternal, this.#channel, this.#state, String(sql), []);
  }

  batch(statements) {
    return batchOf(this.#channel, this.#state, statements);
  }

  getBookmark() {
    return this.#state.bookmark;
  }

  get [Symbol.toStringTag]() { return 'D1DatabaseSession'; }
}

class D1Database {
  #channel;
  constructor(key, binding) {
    if (key !== kInternal) throw new TypeError('Illegal constructor');
    const id = String(binding.database);
    this.#channel = new Channel(id, String(binding.name), String(binding.region ?? 'local'), binding.local ? d1Open(id) : -1);
  }

  prepare(sql) {
    return new D1PreparedStatement(kInternal, this.#channel, null, String(sql), []);
  }

  batch(statements) {
    return batchOf(this.#channel, null, statements);
  }

  async exec(query) {
    const lines = String(query).trim().split('\n');
    const answer = await this.#channel.send({ lines }, null);
    if (answer.error !== undefined) {
      const detail = answer.error.startsWith('D1_ERROR: ') ? answer.error.slice(10) : answer.error;
      throw new Error(`D1_EXEC_ERROR: Error in line ${answer.line + 1}: ${lines[answer.line]}: ${detail}`);
    }
    return { count: answer.count, duration: answer.duration };
  }

  withSession(constraintOrBookmark) {
    const c = constraintOrBookmark === undefined ? UNCONSTRAINED : constraintOrBookmark;
    if (typeof c !== 'string') throw new TypeError('withSession() takes "first-unconstrained", "first-primary" or a bookmark');
    if (c !== UNCONSTRAINED && c !== PRIMARY && !BOOKMARK.test(c)) throw new Error(`D1_ERROR: Invalid bookmark: ${c}`);
    return new D1DatabaseSession(kInternal, this.#channel, c);
  }

  async dump() {
    throw new Error('D1_DUMP_ERROR: dump() is not supported (it is deprecated on D1 too); use the Python API');
  }

  get [Symbol.toStringTag]() { return 'D1Database'; }
}

return { D1Database };
