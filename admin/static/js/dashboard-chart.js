// The trend of the dashboard (window.Chart, Chart.js): dossiers received and finished as bars, the
// on-time rate as a line on its own axis. The page gives the figures in the canvas's data-chart.
(function () {
  "use strict";

  const canvas = document.getElementById("trend-chart");
  if (!canvas || !window.Chart) return;
  let data;
  try {
    data = JSON.parse(canvas.dataset.chart || "{}");
  } catch (error) {
    return;
  }
  new window.Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: data.names.received, data: data.received, backgroundColor: "#9ab8d8", yAxisID: "count" },
        { type: "bar", label: data.names.finished, data: data.finished, backgroundColor: "#2f6a9e", yAxisID: "count" },
        { type: "line", label: data.names.rate, data: data.rate, borderColor: "#1e7b34", backgroundColor: "#1e7b34",
          yAxisID: "rate", spanGaps: true, tension: 0.2 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        count: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        rate: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
      },
    },
  });
  canvas.dataset.ready = "true";
})();
