"""Partners: ListIndirectPartners (a distributor's tier-2 resellers) through the official SDK."""

from huaweicloudsdkbss.v2 import ListIndirectPartnersRequest, QueryIndirectPartnersReq

from conftest import sdk_client, wire_body

from helpers.world import KEYS


def list_indirect_partners(server, caller, **filters):
    """The checked wire body of ListIndirectPartners called by world entity `caller`."""
    client = sdk_client(server, KEYS[caller])
    request = ListIndirectPartnersRequest(body=QueryIndirectPartnersReq(**filters))
    return wire_body(client.list_indirect_partners(request), "ListIndirectPartnersResponse")
