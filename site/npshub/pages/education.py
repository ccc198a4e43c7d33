"""The education section's behaviour: marking lessons read, grading quizzes, progress, events."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Locale

from npshub import events
from npshub.pages.i18n import canonical


def quiz_questions(lesson):
    """The lesson's questions as plain dicts: {number, question, choices, correct (1-based), explanation}."""
    questions = []
    for number, block in enumerate(lesson.quiz, start=1):
        value = block.value
        questions.append({
            "number": number,
            "question": value["question"],
            "choices": list(enumerate(value["choices"], start=1)),
            "correct": value["correct"],
            "explanation": value["explanation"],
        })
    return questions


def grade(lesson, answers):
    """``answers``: {question number: chosen choice number}. Returns (score 0..1, results)."""
    questions = quiz_questions(lesson)
    results, right = [], 0
    for question in questions:
        chosen = answers.get(question["number"])
        ok = chosen == question["correct"]
        right += ok
        results.append({**question, "chosen": chosen, "ok": ok})
    return (right / len(questions) if questions else 1.0), results


def _progress(lesson, user):
    from npshub.pages.models import LessonProgress

    # One progress per lesson whatever language it was read in: kept on the default-locale page.
    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=canonical(lesson))
    return progress


def complete(lesson, user):
    """Mark the lesson read; publishes lesson_completed the first time only."""
    with transaction.atomic():
        progress = _progress(lesson, user)
        if progress.completed_at:
            return progress
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    lesson = canonical(lesson)
    events.publish(events.lesson_completed, sender=type(lesson), lesson=lesson, user=user,
                   event_id=f"lesson_completed:{lesson.pk}:{user.pk}")
    return progress


def take_quiz(lesson, user, answers):
    """Grade an attempt, keep the best score; passing also completes the lesson.
    Publishes quiz_passed the first time the employee passes."""
    score, results = grade(lesson, answers)
    passed = score * 100 >= lesson.pass_mark
    first_pass = False
    with transaction.atomic():
        progress = _progress(lesson, user)
        progress.quiz_attempts += 1
        progress.best_score = max(score, progress.best_score or 0)
        if passed and not progress.passed_at:
            progress.passed_at, first_pass = timezone.now(), True
        progress.save()
    if first_pass:
        source = canonical(lesson)
        events.publish(events.quiz_passed, sender=type(source), lesson=source, user=user, score=score,
                       event_id=f"quiz_passed:{source.pk}:{user.pk}")
    if passed:
        complete(lesson, user)
    return score, passed, results


def handle_post(lesson, request):
    if request.POST.get("action") == "complete":
        complete(lesson, request.user)
        messages.success(request, _("Lesson marked as read."))
        return redirect(lesson.url)
    answers = {}
    for question in quiz_questions(lesson):
        try:
            answers[question["number"]] = int(request.POST.get(f"q{question['number']}", ""))
        except ValueError:
            continue
    if len(answers) < len(lesson.quiz):
        context = lesson.get_context(request)
        context["quiz_error"] = _("Please answer every question.")
        context["answers"] = answers
        context["questions"] = _with_choices(context["questions"], answers)
        return _render(lesson, request, context, status=400)
    score, passed, results = take_quiz(lesson, request.user, answers)
    context = lesson.get_context(request)
    context.update(quiz_results=results, quiz_score=round(score * 100), quiz_passed=passed,
                   questions=_with_choices(context["questions"], answers))  # the choices stay ticked
    return _render(lesson, request, context)


def _with_choices(questions, answers):
    return [{**question, "chosen": answers.get(question["number"])} for question in questions]


def _render(lesson, request, context, status=200):
    from django.template.response import TemplateResponse

    return TemplateResponse(request, lesson.get_template(request), context, status=status)


def lesson_context(lesson, request):
    from npshub.pages.models import LessonProgress

    user = request.user
    progress = None
    if user.is_authenticated:
        progress = LessonProgress.objects.filter(user=user, lesson=canonical(lesson)).first()
    siblings = list(lesson.get_siblings().live().type(type(lesson)).specific().order_by("path"))
    index = next((i for i, page in enumerate(siblings) if page.pk == lesson.pk), 0)
    return {
        "progress": progress,
        "questions": quiz_questions(lesson),
        "next_lesson": siblings[index + 1] if index + 1 < len(siblings) else None,
        "previous_lesson": siblings[index - 1] if index > 0 else None,
    }


def user_progress(user):
    """Metric ``education.user_progress``: {"lessons_completed": int, "lessons_total": int}."""
    from npshub.pages.models import LessonPage, LessonProgress

    live = LessonPage.objects.live().filter(locale=Locale.get_default())  # each lesson once, not per language
    return {
        "lessons_completed": LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, lesson__in=live).count(),
        "lessons_total": live.count(),
    }
