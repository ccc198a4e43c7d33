"""The article workflow: employees submit through the "Write an article" page; editors review in
Wagtail (approve and publish, or request changes with a comment)."""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from npshub.pages.models import ArticleSubmissionPage


def ensure_article_workflow(section):
    """"Article review": one editorial review step by the editor group, on the Articles section."""
    workflow, _created = Workflow.objects.get_or_create(name="Article review", defaults={"active": True})
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(name="Editorial review")
        editors, _ = Group.objects.get_or_create(name="editor")
        task.groups.set([editors])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    return workflow


def load_articles(section, stdout):
    ensure_article_workflow(section)
    created = 0
    if not ArticleSubmissionPage.objects.child_of(section).exists():
        section.add_child(instance=ArticleSubmissionPage(
            title="Write an article", slug="write",
            intro="<p>Share a customer story, a fix that worked or a lesson learned. Editors read every submission, "
                  "may suggest changes, and publish the best in the monthly digest.</p>",
        ))
        created = 1
    stdout.write(f"article workflow ready, submission page: {created} new")
