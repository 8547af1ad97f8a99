"""Governance of promotions: promotion policies, their enforcement, and transition requests.

- :mod:`~modelreg.governance.policies`: the policy entities (targets, rules, thresholds);
- :mod:`~modelreg.governance.transition_requests`: transition requests and their approvals;
- :mod:`~modelreg.governance.errors`: the errors of both (a missing policy or request...);
- :mod:`~modelreg.governance.wire`: their JSON form, for the REST API and its clients;
- :mod:`~modelreg.governance.signature_contract`: which signature changes break callers;
- :mod:`~modelreg.governance.rules`: each rule's check, raising ``PolicyViolation``;
- :mod:`~modelreg.governance.gate`: :class:`PolicyGate`, the registry's promotion gate;
- :mod:`~modelreg.governance.service`: :class:`GovernanceService`, the operations.

The entity modules (policies, transition requests, errors, wire) import no service or store
module, so the store can build them; import the service and the gate from their modules.
"""
