import type { DealerSeries } from "./activity-data";

/** Close to the card's width on a desktop screen, so the labels keep their CSS size. */
const WIDTH = 1000;
const HEIGHT = 180;
const PLOT = { left: 40, right: 8, top: 12, bottom: 28 };

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
}

/** One dealer's accesses per day: allowed from the baseline up, denied stacked on top. */
export function AccessChart({ series, title }: { series: DealerSeries; title: string }) {
  const max = Math.max(1, ...series.days.map((day) => day.allow + day.deny));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotWidth / series.days.length;
  const barWidth = Math.max(2, Math.min(36, slot * 0.6));
  const y = (count: number) => (count / max) * plotHeight;
  const baseline = PLOT.top + plotHeight;
  const labelEvery = Math.ceil(series.days.length / 14);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img"
      aria-label={`${title}: ${series.allow} allowed and ${series.deny} denied accesses over ${series.days.length} days`}>
      <line class="chart-axis" x1={PLOT.left} x2={WIDTH - PLOT.right} y1={baseline} y2={baseline} />
      <line class="chart-grid" x1={PLOT.left} x2={WIDTH - PLOT.right} y1={PLOT.top} y2={PLOT.top} />
      <text class="chart-label" x={PLOT.left - 6} y={PLOT.top + 4} text-anchor="end">{max}</text>
      <text class="chart-label" x={PLOT.left - 6} y={baseline + 4} text-anchor="end">0</text>
      {series.days.map((day, index) => {
        const x = PLOT.left + index * slot + (slot - barWidth) / 2;
        const allowHeight = y(day.allow);
        const denyHeight = y(day.deny);
        return (
          <g key={day.day}>
            <title>{`${shortDay(day.day)}: ${day.allow} allowed, ${day.deny} denied`}</title>
            {day.allow > 0 && <rect class="bar-allow" x={x} y={baseline - allowHeight} width={barWidth} height={allowHeight} />}
            {day.deny > 0 && <rect class="bar-deny" x={x} y={baseline - allowHeight - denyHeight} width={barWidth} height={denyHeight} />}
            {index % labelEvery === 0 && <text class="chart-label" x={x + barWidth / 2} y={HEIGHT - 6} text-anchor="middle">{shortDay(day.day)}</text>}
          </g>
        );
      })}
    </svg>
  );
}
