"""Celery tasks of the resources app: reading an uploaded document's text for search, out of the request.

The upload is checked in the request (its type, and a .docx's archive bounds); its text is read here, on
a worker, bounded in size and time (resources.documents.extract_text). The task names the file it was
queued for: when the resource holds another file by then, the later upload's own task reads that one.
"""

from celery import shared_task

from .documents import read_resource_text


@shared_task(acks_late=True)
def read_document_text(resource_id, file_name):
    return read_resource_text(resource_id=resource_id, file_name=file_name)
