// Polls /api/status and /api/messages every 500 ms and publishes through /api/messages.
'use strict';

const POLL_MS = 500;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function time(iso) {
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toLocaleTimeString([], { hour12: false }) + '.'
      + String(date.getMilliseconds()).padStart(3, '0');
}

function stateBadge(state) {
  return el('span', state, 'state ' + String(state).toLowerCase());
}

function renderStatus(status) {
  const rows = document.querySelector('#connections tbody');
  rows.replaceChildren(...status.connections.map((c) => {
    const row = el('tr');
    row.id = 'connection-' + c.name;
    const state = el('td');
    state.append(stateBadge(c.state));
    row.append(el('td', c.name), state, el('td', c.address ?? '—'), el('td', time(c.since)),
        el('td', c.attempts), el('td', c.lastFailure ?? '—', 'failure'), el('td', c.blocked ? 'yes' : 'no'));
    return row;
  }));

  const main = status.connections.find((c) => c.name === 'default');
  const badge = document.getElementById('state-default');
  badge.textContent = main ? main.state : 'unknown';
  badge.className = 'state ' + (main ? main.state.toLowerCase() : '');

  const events = document.getElementById('events');
  events.replaceChildren(...status.events.slice().reverse().map((e) => {
    const item = el('li', null, 'event ' + e.type.toLowerCase());
    item.append(el('span', time(e.at), 'at'), el('span', e.connection, 'connection'), el('span', e.type, 'type'),
        el('span', e.text, 'text'));
    return item;
  }));
}

function renderConsumed(messages) {
  document.getElementById('consumed').replaceChildren(
      ...messages.slice().reverse().map((text) => el('li', text)));
}

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  return response.json();
}

async function poll() {
  const pollStatus = document.getElementById('poll-status');
  try {
    const [status, messages] = await Promise.all([getJson('api/status'), getJson('api/messages')]);
    renderStatus(status);
    renderConsumed(messages);
    pollStatus.textContent = '';
  } catch (error) {
    pollStatus.textContent = 'server not answering (' + error.message + ')';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

async function publish(event) {
  event.preventDefault();
  const input = document.getElementById('message');
  const button = document.getElementById('publish');
  const result = document.getElementById('publish-result');
  button.disabled = true;
  result.className = 'muted';
  result.textContent = 'Publishing…';
  try {
    const response = await fetch('api/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: input.value,
    });
    const outcome = await response.json();
    result.className = 'outcome ' + outcome.outcome;
    result.textContent = outcome.outcome + ' (HTTP ' + response.status + '): ' + outcome.detail
        + ' — id ' + outcome.id;
    if (outcome.outcome === 'confirmed') input.value = '';
  } catch (error) {
    result.className = 'outcome failed';
    result.textContent = 'failed: ' + error.message;
  } finally {
    button.disabled = false;
    input.focus();
  }
}

document.getElementById('publish-form').addEventListener('submit', publish);
poll();
