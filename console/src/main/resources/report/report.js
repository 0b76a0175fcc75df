(function () {
  const PALETTE = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
  const colour = i => PALETTE[i % PALETTE.length];
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 11;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  let drawn = 0;
  function make(id, cfg) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = new Chart(el, cfg);
    let n = 0;
    chart.data.datasets.forEach(d => d.data.forEach(v => {
      if (v !== null && v !== undefined && !(typeof v === 'object' && (v.y === null || v.y === undefined))) n++;
    }));
    el.dataset.rendered = 'true';
    el.dataset.points = String(n);
    el.dataset.datasets = String(chart.data.datasets.length);
    drawn++;
    return chart;
  }
  function empty(id, text) {
    const el = document.getElementById(id);
    if (!el) return;
    const p = document.createElement('p');
    p.className = 'none';
    p.textContent = text;
    el.parentNode.replaceWith(p);
  }
  const xy = (xs, ys, f) => xs.map((x, i) => ({x: x, y: ys[i] === null || ys[i] === undefined ? null : f(ys[i])}));
  const pct = v => 100 * v;
  const stepAxis = {type: 'linear', title: {display: true, text: 'training step'}};

  FW_DATA.forEach((run, r) => {
    const layers = run.layers;
    // 1. dead fraction per layer over steps
    const dead = layers.map((l, i) => ({label: l.name, data: xy(l.steps, l.deadFraction, pct), borderColor: colour(i),
      backgroundColor: colour(i), pointRadius: 0, borderWidth: 2, spanGaps: true}));
    if (run.runSteps.length) dead.push({label: 'whole network', data: xy(run.runSteps, run.runDeadFraction, pct),
      borderColor: '#000', borderDash: [6, 4], pointRadius: 0, borderWidth: 2, spanGaps: true});
    if (layers.length) make('dead-' + r, {type: 'line', data: {datasets: dead}, options: {parsing: true,
      scales: {x: stepAxis, y: {min: 0, max: 100, title: {display: true, text: 'dead filters (%)'}}}}});
    else empty('dead-' + r, 'No layer statistics yet.');
    // 2. alive / dying / dead per layer (latest)
    if (layers.length) make('states-' + r, {type: 'bar', data: {labels: layers.map(l => l.name), datasets: [
        {label: 'alive', data: layers.map(l => l.alive), backgroundColor: '#2ca02c'},
        {label: 'dying', data: layers.map(l => l.dying), backgroundColor: '#ff9f1c'},
        {label: 'dead', data: layers.map(l => l.dead), backgroundColor: '#d62728'}]},
      options: {indexAxis: 'y', scales: {x: {stacked: true, title: {display: true, text: 'filters'}}, y: {stacked: true}}}});
    else empty('states-' + r, 'No layer statistics yet.');
    // 3. selectivity histograms
    const binLabels = [...Array(10).keys()].map(b => (b * 10) + '-' + (b * 10 + 10) + '%');
    if (layers.length) make('sel-' + r, {type: 'bar', data: {labels: binLabels, datasets: layers.map((l, i) => {
        const total = l.selBins.reduce((a, b) => a + b, 0) || 1;
        return {label: l.name, data: l.selBins.map(c => 100 * c / total), backgroundColor: colour(i)};
      })}, options: {scales: {x: {title: {display: true, text: 'selectivity (share of samples the filter is off)'}},
        y: {min: 0, title: {display: true, text: 'filters of the layer (%)'}}}}});
    else empty('sel-' + r, 'No layer statistics yet.');
    // 4. regularisation dominance
    const dom = layers.map((l, i) => ({label: l.name, data: xy(l.steps, l.gammaDominance, v => v), borderColor: colour(i),
      backgroundColor: colour(i), pointRadius: 0, borderWidth: 2, spanGaps: true}));
    const allSteps = layers.flatMap(l => l.steps);
    if (allSteps.length) dom.push({label: '1 = regulariser equals loss gradient', data: [{x: Math.min(...allSteps), y: 1},
      {x: Math.max(...allSteps), y: 1}], borderColor: '#555', borderDash: [4, 4], pointRadius: 0, borderWidth: 1});
    if (layers.some(l => l.gammaDominance.some(v => v !== null))) make('dom-' + r, {type: 'line', data: {datasets: dom},
      options: {scales: {x: stepAxis, y: {type: 'logarithmic', title: {display: true, text: 'median \u03bb|\u03b3| / |dL/d\u03b3|'}}}}});
    else empty('dom-' + r, 'No regularisation: no dominance to show (or not measured yet).');
    // 5. alert timeline
    if (run.alerts.length) {
      const rules = [...new Set(run.alerts.map(a => a.rule))];
      const sevColour = a => a.severity === 'CRITICAL' ? '#d62728' : a.severity === 'WARNING' ? '#ff9f1c' : '#1f77b4';
      const mk = (status, filled) => ({label: status.toLowerCase(), data: run.alerts.filter(a => a.status === status)
          .map(a => ({x: a.step, y: a.rule, summary: a.summary})), pointRadius: 7, pointStyle: filled ? 'circle' : 'rectRot',
        backgroundColor: run.alerts.filter(a => a.status === status).map(a => filled ? sevColour(a) : '#fff'),
        borderColor: run.alerts.filter(a => a.status === status).map(a => filled ? sevColour(a) : '#1a7f37'), borderWidth: 2});
      make('alerts-' + r, {type: 'scatter', data: {datasets: [mk('FIRING', true), mk('RESOLVED', false)]},
        options: {scales: {x: stepAxis, y: {type: 'category', labels: rules, offset: true}},
          plugins: {tooltip: {callbacks: {label: c => 'step ' + c.raw.x + ': ' + (c.raw.summary || c.raw.y)}}}}});
    } else empty('alerts-' + r, 'No alerts fired.');
    // 6. loss / accuracy
    if (run.epochs.length) make('loss-' + r, {type: 'line', data: {datasets: [
        {label: 'loss', data: run.epochs.map(e => ({x: e.step, y: e.loss})), borderColor: '#1f77b4', backgroundColor: '#1f77b4', yAxisID: 'y'},
        {label: 'accuracy', data: run.epochs.map(e => ({x: e.step, y: e.accuracy})), borderColor: '#2ca02c', backgroundColor: '#2ca02c', yAxisID: 'y1'}]},
      options: {scales: {x: stepAxis, y: {position: 'left', title: {display: true, text: 'loss'}},
        y1: {position: 'right', min: 0, max: 1, grid: {drawOnChartArea: false}, title: {display: true, text: 'accuracy'}}}}});
    else empty('loss-' + r, 'No epoch has ended yet.');
  });

  if (FW_DATA.length >= 2) {
    // two runs keep their far-apart colours; more take the palette in order, dashed once it repeats
    const runColour = i => FW_DATA.length === 2 ? colour(i * 3) : colour(i);
    const runDash = i => i >= PALETTE.length ? [6, 3] : [];
    make('cmp-dead', {type: 'line', data: {datasets: FW_DATA.map((run, i) => ({label: run.runId,
      data: xy(run.runSteps, run.runDeadFraction, pct), borderColor: runColour(i), backgroundColor: runColour(i),
      borderDash: runDash(i), pointRadius: 0, borderWidth: 2, spanGaps: true}))},
      options: {scales: {x: stepAxis, y: {min: 0, title: {display: true, text: 'dead filters (%)'}}}}});
    const names = [...new Set(FW_DATA.flatMap(run => run.layers.map(l => l.name)))];
    make('cmp-layers', {type: 'bar', data: {labels: names, datasets: FW_DATA.map((run, i) => ({label: run.runId,
      data: names.map(n => { const l = run.layers.find(x => x.name === n); return l ? 100 * l.dead / Math.max(1, l.filters) : null; }),
      backgroundColor: runColour(i)}))}, options: {scales: {y: {min: 0, title: {display: true, text: 'dead filters (%)'}}}}});
  }
  document.body.dataset.charts = String(drawn);
})();
