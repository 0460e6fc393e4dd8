import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTheme } from '@material-ui/core/styles';
import { HistoryPoint } from './historySeries';

/**
 * Coverage (a line, left axis in percent) and APIs at risk (bars, right axis) per day; days
 * without snapshots are gaps. Loaded on its own (`React.lazy`): the charting library stays out
 * of the bundles of the cards that do not chart.
 */
const HistoryChart = (props: { points: HistoryPoint[]; height: number }) => {
  const theme = useTheme();
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <ComposedChart
        data={props.points}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" minTickGap={24} />
        <YAxis
          yAxisId="coverage"
          domain={[0, 100]}
          unit="%"
          width={48}
          allowDecimals={false}
        />
        <YAxis
          yAxisId="atRisk"
          orientation="right"
          allowDecimals={false}
          width={40}
        />
        <Tooltip />
        <Legend />
        <Bar
          yAxisId="atRisk"
          dataKey="atRisk"
          name="APIs at risk"
          fill={theme.palette.error.light}
          isAnimationActive={false}
        />
        <Line
          yAxisId="coverage"
          dataKey="coverage"
          name="Coverage (%)"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          dot={props.points.length <= 31}
          connectNulls={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
};

export default HistoryChart;
