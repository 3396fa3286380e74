#!/usr/bin/env python3
"""The peer of `make bench-peer`: the yearly assessment as a bureau's
analyst would script it with pandas and openpyxl, over the same generated
national data (bin/incubeval bench-data). It does less than incubeval: no
validation of the inputs, no revisions, incidents, deferrals, chain or
subsidies; the default rubric's eleven indicators, grades with the
excellent quota, ranks, and a workbook of the ranked list and of every
indicator row.

    python3 peer.py REGISTRY.csv QUARTERLY.csv YEAR OUT.xlsx
"""
import sys

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

reg_path, q_path, year, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

reg = pd.read_csv(reg_path, dtype={"carrier_id": str})
q = pd.read_csv(q_path, dtype={"carrier_id": str}, parse_dates=["submitted_on"])

# The sep window: Q4 of year-1 and Q1-Q3 of year.
q["qi"] = q["year"] * 4 + q["quarter"]
lo, hi = (year - 1) * 4 + 4, year * 4 + 3
w = q[(q["qi"] >= lo) & (q["qi"] <= hi)].copy()
w = w.sort_values("submitted_on").drop_duplicates(["carrier_id", "year", "quarter"], keep="last")

# Due 15 days after the quarter's end.
end_month = w["quarter"] * 3
end = pd.to_datetime(dict(year=w["year"], month=end_month, day=1)) + pd.offsets.MonthEnd(0)
w["on_time"] = np.where(w["submitted_on"] <= end + pd.Timedelta(days=15), 1.0, 0.5)

agg = w.groupby("carrier_id").agg(
    filed=("filed", "sum"), incubating_sum=("incubating", "sum"), trainings=("trainings", "sum"),
    trainees=("trainees", "sum"), events=("events", "sum"), incubating_avg=("incubating", "mean"),
    graduated=("graduated", "sum"), exited=("exited", "sum"), jobs_avg=("jobs", "mean"),
    revenue=("revenue", "sum"), financing=("financing", "sum"), reporting=("on_time", "sum"),
)
agg["filed_ratio"] = agg["filed"] / agg["incubating_sum"].replace(0, np.nan)
agg["exit_rate"] = agg["exited"] / agg["incubating_avg"].replace(0, np.nan)

d = reg.merge(agg, left_on="carrier_id", right_index=True, how="inner")
d = d[pd.to_datetime(d["recognized_on"]) <= pd.Timestamp(year - 1, 9, 30)]

targets = {
    "trainings": {"municipal": 12, "provincial": 18, "national": 24},
    "trainees": {"municipal": 300, "provincial": 500, "national": 800},
    "events": {"municipal": 10, "provincial": 15, "national": 20},
    "incubating_avg": {"municipal": 20, "provincial": 40, "national": 60},
    "graduated": {"municipal": 3, "provincial": 5, "national": 8},
    "jobs_avg": {"municipal": 100, "provincial": 200, "national": 400},
    "revenue": {"municipal": 2000, "provincial": 5000, "national": 10000},
    "financing": {"municipal": 300, "provincial": 800, "national": 1500},
}
weights = {"filed_ratio": 10, "trainings": 10, "trainees": 10, "events": 5, "incubating_avg": 10,
           "graduated": 10, "exit_rate": 5, "jobs_avg": 10, "revenue": 10, "financing": 10, "reporting": 10}

points = {}
for code, wt in weights.items():
    v = d[code]
    if code == "filed_ratio":
        p = wt * np.minimum(1, v / 0.9)
    elif code == "reporting":
        p = wt * np.minimum(1, v / 4)
    elif code == "exit_rate":
        p = wt * np.clip((0.50 - v) / (0.50 - 0.15), 0, 1)
    else:
        t = d["level"].map(targets[code])
        p = wt * np.minimum(1, v / t)
    points[code] = p.fillna(0).round(2)
pts = pd.DataFrame(points, index=d.index)
d["score"] = pts.sum(axis=1).round(2)

d = d.sort_values(["score", "carrier_id"], ascending=[False, True])
quota = int(len(d) * 0.3)
d["grade"] = np.where(d["score"] >= 60, "合格", "不合格")
d.loc[d["score"] >= 75, "grade"] = "良好"
top = d[d["score"] >= 85].head(quota).index
d.loc[top, "grade"] = "优秀"
d["rank"] = d["score"].rank(method="min", ascending=False).astype(int)
d["rank_kind"] = d.groupby("kind")["score"].rank(method="min", ascending=False).astype(int)

wb = Workbook()
ws = wb.active
ws.title = "排名"
head = ["名次", "类型内名次", "载体编号", "载体名称", "区", "类型", "级别", "总分", "等级"] + list(weights)
ws.append(head)
for c in ws[1]:
    c.font = Font(bold=True)
for i, r in zip(d.index, d.itertuples(index=False)):
    ws.append([r.rank, r.rank_kind, r.carrier_id, r.name, r.district, r.kind, r.level, r.score, r.grade]
              + [float(pts.at[i, c]) for c in weights])
ws.column_dimensions["D"].width = 40

wi = wb.create_sheet("指标")
wi.append(["载体编号", "指标", "实际值", "得分"])
for c in wi[1]:
    c.font = Font(bold=True)
for i, r in zip(d.index, d.itertuples(index=False)):
    for c in weights:
        v = getattr(r, c)
        wi.append([r.carrier_id, c, None if pd.isna(v) else float(v), float(pts.at[i, c])])
wb.save(out)
print(f"{len(d)} carriers ranked, {len(d) * len(weights)} indicator rows: {out}")
