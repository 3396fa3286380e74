# incubeval — the two commands a newcomer needs are `make demo` and `make test`.
GO     ?= go
BIN    := bin/incubeval
# The national-scale benchmark inputs (generated, ~200 MB, not committed).
BENCH  := bench-data

.PHONY: all deps build demo test fuzz bench bench-go bench-cli bench-peer bench-scale vet clean

all: build

## deps: download every module go.mod names into the module cache, the only
## download a build or `make test` needs (after it they run offline).
deps:
	$(GO) mod download

build:
	$(GO) build -o $(BIN) ./cmd/incubeval

## demo: build, write the embedded sample into demo/, ingest it, say where things are.
demo: build
	rm -rf demo
	./$(BIN) demo --out demo

## test: formatting, vet, and the whole test suite (fuzz seeds included).
test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## fuzz: run each fuzz target for a while (FUZZTIME=60s by default).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzCSVReader -fuzztime $(FUZZTIME) ./pipeline/ingest/
	$(GO) test -run '^$$' -fuzz FuzzXLSXReader -fuzztime $(FUZZTIME) ./pipeline/ingest/
	$(GO) test -run '^$$' -fuzz FuzzParseDate -fuzztime $(FUZZTIME) ./pipeline/ingest/
	$(GO) test -run '^$$' -fuzz FuzzFastPaths -fuzztime $(FUZZTIME) ./pipeline/ingest/
	$(GO) test -run '^$$' -fuzz FuzzPlainRows -fuzztime $(FUZZTIME) ./pipeline/ingest/
	$(GO) test -run '^$$' -fuzz FuzzCheck -fuzztime $(FUZZTIME) ./pipeline/idcard/
	$(GO) test -run '^$$' -fuzz FuzzParseExpr -fuzztime $(FUZZTIME) ./pipeline/rubric/
	$(GO) test -run '^$$' -fuzz FuzzLoadNormalized -fuzztime $(FUZZTIME) ./pipeline/rubric/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./sql/

## bench: Go benchmarks, then the built binary on the national-scale data,
## then the same year beside a pandas + openpyxl script (bench-peer).
bench: bench-go bench-cli bench-peer

bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem ./pipeline/ingest/
	$(GO) test -run '^$$' -bench . -benchtime 2x -benchmem -timeout 30m ./pipeline/assess/
	$(GO) test -run '^$$' -bench . -benchtime 2x -benchmem -timeout 30m ./reports/
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem -timeout 30m ./pipeline/eligibility/
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem -timeout 30m ./pipeline/talent/

# 5 million rows for the sql benchmark: a generated series joined to the registry.
SQL5M := SELECT r.range AS i, c.carrier_id, c.name, c.district, r.range * 0.5 AS x, \
	DATE '2017-01-01' + (r.range % 3000)::INT AS day FROM range(5000000) r \
	JOIN (SELECT row_number() OVER (ORDER BY carrier_id) - 1 AS k, carrier_id, name, district FROM carriers) c \
	ON c.k = r.range % 13000

bench-cli: build
	@test -d $(BENCH)/by-quarter || ./$(BIN) bench-data --out $(BENCH)
	@echo "== national history: 13,000 carriers, 2016Q4–2025Q3, 468,000 rows in one CSV"
	@rm -f $(BENCH)/history.duckdb* && rm -rf $(BENCH)/archive
	./$(BIN) --db $(BENCH)/history.duckdb ingest $(BENCH)/history/registry.csv > /dev/null
	./$(BIN) --stats --db $(BENCH)/history.duckdb ingest $(BENCH)/history/quarterly.csv | tail -1
	@echo "== assess 2025 (nine years, 2017–2025) on the national history"
	./$(BIN) --stats --db $(BENCH)/history.duckdb assess --year 2025 | grep -E "^(评价|stats)"
	@echo "== the assessment workbook of 2025, then with the 13,000 feedback workbooks"
	@rm -rf $(BENCH)/out
	./$(BIN) --stats --db $(BENCH)/history.duckdb report --year 2025 --out $(BENCH)/out
	./$(BIN) --stats --db $(BENCH)/history.duckdb report --year 2025 --out $(BENCH)/out --feedback
	@echo "== the readers' snapshot of the national history (every writer publishes one as it closes)"
	INCUBEVAL_TRACE=1 ./$(BIN) --db $(BENCH)/history.duckdb assess --year 2025 --force 2>&1 >/dev/null | grep 'publish snapshot'
	@echo "== sql: 5 million rows joined to the 13,000 carriers, to Parquet and to an Arrow stream"
	./$(BIN) --stats --db $(BENCH)/history.duckdb sql -o $(BENCH)/out/rows.parquet "$(SQL5M)"
	./$(BIN) --stats --db $(BENCH)/history.duckdb sql -o $(BENCH)/out/rows.arrows "$(SQL5M)"
	@echo "== end to end: a new database, ingest the history, assess 2025, write the workbook"
	@rm -f $(BENCH)/e2e.duckdb* && rm -rf $(BENCH)/e2e-out
	./$(BIN) --stats --db $(BENCH)/e2e.duckdb run --year 2025 --inbox $(BENCH)/history --out $(BENCH)/e2e-out | tail -2
	@echo "== the same history as 36 quarterly CSV files"
	@rm -f $(BENCH)/split.duckdb*
	./$(BIN) --db $(BENCH)/split.duckdb ingest $(BENCH)/history/registry.csv > /dev/null
	./$(BIN) --stats --db $(BENCH)/split.duckdb ingest $(BENCH)/by-quarter | tail -1
	@echo "== one quarter as 13,000 single-carrier XLSX files"
	@rm -f $(BENCH)/quarter.duckdb*
	./$(BIN) --db $(BENCH)/quarter.duckdb ingest $(BENCH)/quarter/registry.csv > /dev/null
	./$(BIN) --stats --db $(BENCH)/quarter.duckdb ingest $(BENCH)/quarter/quarterly | tail -1

# bench-peer: the national year end to end — ingest the history, assess
# 2025, write its workbook — beside pipeline/sample/peer.py, the same year
# scripted with pandas and openpyxl, alternating, ROUNDS times. Needs a
# python3 with pandas and openpyxl (Debian: python3-pandas python3-openpyxl);
# skipped with a message without one.
ROUNDS  ?= 3
PEER_PY := $(shell for p in python3 /usr/bin/python3; do $$p -c 'import pandas, openpyxl' 2>/dev/null && { command -v $$p; break; }; done)
bench-peer: build
	@test -d $(BENCH)/history || ./$(BIN) bench-data --out $(BENCH)
	@if [ -z "$(PEER_PY)" ]; then echo "bench-peer: skipped: no python3 with pandas and openpyxl (apt-get install python3-pandas python3-openpyxl)"; exit 0; fi; \
	echo "== the national year end to end (ingest, assess 2025, report) beside pandas + openpyxl ($(PEER_PY))"; \
	for i in $$(seq $(ROUNDS)); do \
	  rm -rf $(BENCH)/peer && mkdir -p $(BENCH)/peer || exit 1; \
	  t0=$$(date +%s.%N); \
	  ./$(BIN) --db $(BENCH)/peer/e2e.duckdb ingest $(BENCH)/history/registry.csv $(BENCH)/history/quarterly.csv > /dev/null 2>> $(BENCH)/peer/log && \
	  ./$(BIN) --db $(BENCH)/peer/e2e.duckdb assess --year 2025 > /dev/null 2>> $(BENCH)/peer/log && \
	  ./$(BIN) --db $(BENCH)/peer/e2e.duckdb report --year 2025 --out $(BENCH)/peer/out > /dev/null 2>> $(BENCH)/peer/log || { cat $(BENCH)/peer/log; exit 1; }; \
	  t1=$$(date +%s.%N); \
	  $(PEER_PY) pipeline/sample/peer.py $(BENCH)/history/registry.csv $(BENCH)/history/quarterly.csv 2025 $(BENCH)/peer/peer.xlsx > /dev/null || exit 1; \
	  t2=$$(date +%s.%N); \
	  echo "$$t0 $$t1 $$t2" | awk '{a = $$2 - $$1; b = $$3 - $$2; printf "incubeval %.2f s, pandas + openpyxl %.2f s: %.1f× faster\n", a, b, b / a}'; \
	done

# bench-scale: the history at SCALE times the national size (16: 208,000
# carriers, 7.5 million quarterly rows, 0.6 GB of CSV; 64 needs 2.5 GB of
# CSV and about as much again for the database) ingested and assessed.
SCALE ?= 16
bench-scale: build
	@test -d $(BENCH)/x$(SCALE)/history || ./$(BIN) bench-data --history-only --carriers $$(( 13000 * $(SCALE) )) --out $(BENCH)/x$(SCALE)
	@rm -f $(BENCH)/x$(SCALE).duckdb* && rm -rf $(BENCH)/archive
	./$(BIN) --db $(BENCH)/x$(SCALE).duckdb ingest $(BENCH)/x$(SCALE)/history/registry.csv > /dev/null
	./$(BIN) --stats --db $(BENCH)/x$(SCALE).duckdb ingest $(BENCH)/x$(SCALE)/history/quarterly.csv | tail -1
	./$(BIN) --stats --db $(BENCH)/x$(SCALE).duckdb assess --year 2025 | grep -E "^(评价|stats)"

vet:
	$(GO) vet ./...

clean:
	rm -rf bin demo $(BENCH)
