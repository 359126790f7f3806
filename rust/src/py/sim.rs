//! `edgert._core.EventLoop`: the core's event queue with Python callbacks, for discrete-event
//! simulation in virtual time (`edgert.sim.eventloop`).

use pyo3::prelude::*;

use super::errors::error;
use crate::sim::EventQueue;

type Callback = (Py<PyAny>, Py<PyAny>);

/// Schedules `callback(argument)` at virtual times; `run` calls them in (time, scheduling) order.
#[pyclass(module = "edgert._core", name = "EventLoop")]
pub struct PyEventLoop {
    queue: EventQueue<Callback>,
    events: u64,
}

#[pymethods]
impl PyEventLoop {
    #[new]
    #[pyo3(signature = (start = 0.0))]
    fn new(py: Python<'_>, start: f64) -> PyResult<Self> {
        let queue = EventQueue::new(start).map_err(|e| error(py, "ConfigError", e.to_string()))?;
        Ok(PyEventLoop { queue, events: 0 })
    }

    /// The virtual clock, in seconds.
    #[getter]
    fn now(&self) -> f64 {
        self.queue.now()
    }

    /// Events run so far.
    #[getter]
    fn events(&self) -> u64 {
        self.events
    }

    /// Schedules `callback(argument)` at `when` (never before now); returns a handle for `cancel`.
    #[pyo3(signature = (when, callback, argument = None))]
    fn at(&mut self, py: Python<'_>, when: f64, callback: Py<PyAny>, argument: Option<Py<PyAny>>) -> PyResult<u64> {
        let argument = argument.unwrap_or_else(|| py.None());
        self.queue
            .schedule(when, (callback, argument))
            .map_err(|e| error(py, "ConfigError", e.to_string()))
    }

    /// Schedules `callback(argument)` `delay` seconds from now.
    #[pyo3(signature = (delay, callback, argument = None))]
    fn after(&mut self, py: Python<'_>, delay: f64, callback: Py<PyAny>, argument: Option<Py<PyAny>>) -> PyResult<u64> {
        let when = self.queue.now() + delay;
        self.at(py, when, callback, argument)
    }

    /// Cancels a scheduled event; returns whether it was still pending.
    fn cancel(&mut self, handle: u64) -> bool {
        self.queue.cancel(handle)
    }

    fn __len__(&self) -> usize {
        self.queue.len()
    }

    /// Runs events until none is left, the next is after `until`, or `max_events` ran; returns
    /// how many ran. An exception from a callback stops the run and propagates.
    #[pyo3(signature = (until = None, max_events = None))]
    fn run(slf: &Bound<'_, Self>, until: Option<f64>, max_events: Option<u64>) -> PyResult<u64> {
        let py = slf.py();
        let mut ran: u64 = 0;
        let mut outcome = Ok(());
        while max_events.map_or(true, |m| ran < m) {
            let next = slf.borrow_mut().queue.pop_until(until);
            let Some((_, (callback, argument))) = next else {
                break;
            };
            ran += 1;
            if let Err(err) = callback.call1(py, (argument,)) {
                outcome = Err(err);
                break;
            }
        }
        slf.borrow_mut().events += ran;
        outcome.map(|()| ran)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEventLoop>()
}
