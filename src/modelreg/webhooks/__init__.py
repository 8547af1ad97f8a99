"""Webhooks, compatible with MLflow's (3.3+), delivered from a transactional outbox.

Every registry change appends an audit event; in the same transaction
(``store/sql/webhooks_store.enqueue_deliveries``) a delivery row is written for each active
webhook subscribed to it, so a change that rolls back sends nothing and a crash loses nothing.
Delivery workers in the server claim due rows, POST them signed, retry with backoff, and log
every attempt.

Modules: ``entities`` (Webhook, Delivery...), ``errors``, ``events`` (the event names),
``payloads`` (what each event sends), ``signing`` (MLflow's HMAC headers), ``validation``,
``settings`` (delivery timing), ``sending`` (one POST), ``service`` (WebhookService),
``worker`` (the delivery loop), ``wire`` (the REST JSON).

This package's ``__init__`` imports nothing, so the store can use its pure modules
(events, payloads, entities) without loading the service.
"""
