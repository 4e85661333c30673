// The courses board: a snapshot, then upserts and deletes from GET /api/courses/changes.
// EventSource reconnects by itself; every (re)connect starts with a fresh snapshot.
(function () {
  'use strict';
  const rows = new Map();                 // courseId -> course as GET /api/courses/{id} returns it
  const body = document.querySelector('#board tbody');
  const feed = document.getElementById('feed');
  const status = document.getElementById('status');
  const MAX_FEED = 200;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function render(changedId) {
    const ids = [...rows.keys()].sort();
    body.replaceChildren(...ids.map(id => {
      const c = rows.get(id);
      const tr = document.createElement('tr');
      tr.dataset.courseId = id;
      tr.className = (c.closed ? 'closed ' : '') + (c.availableSeats === 0 ? 'full ' : '') + (id === changedId ? 'changed' : '');
      for (const [text, cls] of [[c.courseId], [c.name], [c.capacity], [c.availableSeats, 'seats'], [c.closed ? 'closed' : '']]) {
        const td = document.createElement('td');
        td.textContent = String(text);
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      return tr;
    }));
    document.getElementById('empty').hidden = rows.size > 0;
  }

  function log(kind, id, text) {
    const li = document.createElement('li');
    li.textContent = `${new Date().toLocaleTimeString()}  ${kind}  id ${id}  ${text}`;
    feed.prepend(li);
    while (feed.children.length > MAX_FEED) feed.lastChild.remove();
  }

  const source = new EventSource('../api/courses/changes');
  source.onopen = () => setStatus('live', 'live');
  source.onerror = () => setStatus('connecting', 'reconnecting…');
  source.addEventListener('snapshot', e => {
    rows.clear();
    for (const c of JSON.parse(e.data)) rows.set(c.courseId, c);
    render(null);
    log('snapshot', e.lastEventId, `${rows.size} courses`);
  });
  source.addEventListener('upsert', e => {
    const c = JSON.parse(e.data);
    rows.set(c.courseId, c);
    render(c.courseId);
    log('upsert', e.lastEventId, `${c.courseId}: ${c.availableSeats} of ${c.capacity} seats free${c.closed ? ', closed' : ''}`);
  });
  source.addEventListener('delete', e => {
    const { courseId } = JSON.parse(e.data);
    rows.delete(courseId);
    render(null);
    log('delete', e.lastEventId, courseId);
  });
  source.addEventListener('cut-off', e => log('cut-off', '-', JSON.parse(e.data).message));
})();
